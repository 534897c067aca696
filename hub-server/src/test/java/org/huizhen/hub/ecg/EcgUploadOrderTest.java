package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.hub.security.Principal;
import org.huizhen.hub.security.Role;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.EcgIndex;
import org.huizhen.storage.index.EcgQuery;
import org.huizhen.storage.index.EcgRecord;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upload order of {@link EcgService} when the last step fails: the ECG record is written
 * last, so an index that refuses it leaves no record (nothing is listed as an ECG), the client
 * gets a 5xx (no acknowledgement), and what was already stored is whole — the original blob and a
 * complete, readable DICOM ECG instance — and a retry of the same file then completes the upload
 * under the same UIDs (they derive from the content). Runs on a real hub's blob store, index and
 * ingest; only the ECG record table is replaced by one that fails.
 */
class EcgUploadOrderTest {
    @TempDir
    Path tmp;
    private EcgTestHub h;

    @BeforeEach
    void start() throws Exception {
        h = new EcgTestHub(tmp.resolve("hub"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The ECG record table of the hub, except that inserts fail like a lost database connection. */
    private static final class FailingInserts implements EcgIndex {
        @Override
        public boolean insert(EcgRecord record) throws StorageException {
            throw new StorageException("HZ-2101 index database error (simulated: connection lost)");
        }

        @Override
        public Optional<EcgRecord> find(String id) {
            return Optional.empty();
        }

        @Override
        public List<EcgRecord> list(EcgQuery query) {
            return List.of();
        }
    }

    @Test
    void failedRecordLeavesNoEcgButWholeDataAndARetryCompletesIt() throws Exception {
        Path file = EcgTestHub.ecg("scp_healforce_63.SCP");
        byte[] bytes = EcgTestHub.bytes(file);
        Principal clinic = new Principal("test-clinic-a", EcgTestHub.CLINIC_A, Role.CLINIC,
                Set.of("dicomweb.read", "dicomweb.write"), "test");
        try (EcgService failing = new EcgService(h.hub.config(), h.hub.blobs(), h.hub.index(), new FailingInserts(),
                h.hub.dicomWebContext().ingest(), EcgDicomEncoder.standard())) {
            EcgProblem p = catchThrowableOfType(EcgProblem.class,
                    () -> failing.upload(bytes, Optional.of("63.SCP"), clinic, Optional.empty()));
            assertThat(p.status()).isEqualTo(500);
            assertThat(p.code()).isEqualTo("HZ-7099");
        }
        // no ECG record: the API lists nothing
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg").bodyAsJsonArray()).isEmpty();
        // what was stored before the failure is whole: the DICOM instance is acknowledged and readable
        assertThat(h.hub.index().instanceCount()).isEqualTo(1);
        List<StoredInstance> stored = new java.util.ArrayList<>();
        h.hub.index().forEachInstance(org.huizhen.storage.index.InstanceFilter.all(), stored::add);
        StoredInstance si = stored.get(0);
        byte[] dicom;
        try (var in = h.hub.blobs().open(si.blobId())) {
            dicom = in.readAllBytes();
        }
        assertThat(EcgReaders.read(dicom, "x.dcm").rhythm().samplesPerLead())
                .isEqualTo(EcgReaders.read(file).rhythm().samplesPerLead());

        // the client was not acknowledged and retries: same UIDs, now with its record
        var retry = h.upload(h.writer(EcgTestHub.CLINIC_A), file, "application/octet-stream");
        assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(201);
        assertThat(retry.bodyAsJsonObject().getString("id")).isEqualTo(si.sopInstanceUid());
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg").bodyAsJsonArray()).hasSize(1);
    }
}
