package org.huizhen.hub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.huizhen.hub.Hub;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceVersion;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.SeriesSummary;
import org.huizhen.storage.index.StoredInstance;

/**
 * Checks what a hub stored and indexed against the source files, with DCMTK's {@code dcmdump}
 * as the reference for attribute values: one current instance per SOP Instance UID, one
 * version per distinct data set sent, each version's data set byte-identical to what was sent,
 * and study / series / modality / SOP class / transfer syntax as dcmdump reads them.
 *
 * <p>Stateless apart from a cache of dcmdump runs; thread-safe.
 */
public final class InteropIndexCheck {
    private static final Map<Path, DcmtkDump> DUMPS = new ConcurrentHashMap<>();

    private InteropIndexCheck() {
    }

    /** dcmdump of a file (cached: the shared files do not change during a run). */
    public static DcmtkDump dump(Path file) {
        return DUMPS.computeIfAbsent(file, f -> DcmtkDump.of(f, false));
    }

    /** Whether dcmdump finds a top-level SOP Instance UID: a data set without one is no storable instance. */
    public static boolean hasSopInstanceUid(InteropFiles.Part10 f) {
        return dump(f.file()).get("SOPInstanceUID").isPresent();
    }

    /** Source files grouped by SOP Instance UID (from their meta information), in path order. */
    public static Map<String, List<InteropFiles.Part10>> byInstance(List<InteropFiles.Part10> sources) {
        return sources.stream().collect(Collectors.groupingBy(InteropFiles.Part10::sopInstanceUid, TreeMap::new,
                Collectors.toList()));
    }

    /**
     * Asserts the hub holds exactly the instances of {@code sources}: for each SOP Instance UID
     * the versions' data set digests are {@code expectedDigests.get(uid)} (as a set), and the
     * index agrees with dcmdump.
     */
    public static void assertStored(Hub hub, List<InteropFiles.Part10> sources, Map<String, Set<String>> expectedDigests)
            throws StorageException {
        Map<String, List<InteropFiles.Part10>> groups = byInstance(sources);
        assertThat(expectedDigests.keySet()).containsExactlyInAnyOrderElementsOf(groups.keySet());
        assertThat(hub.index().instanceCount()).as("one current instance per SOP Instance UID").isEqualTo(groups.size());
        for (Map.Entry<String, List<InteropFiles.Part10>> g : groups.entrySet()) {
            String uid = g.getKey();
            List<InstanceVersion> versions = hub.index().versionsOf(uid);
            Map<String, String> tsByDigest = new LinkedHashMap<>();
            for (InstanceVersion v : versions) {
                InteropFiles.Part10 blob = InteropFiles.read(hub.blobs(), v.blobId());
                assertThat(v.transferSyntaxUid()).as("%s v%d: indexed transfer syntax is the blob's", uid, v.version())
                        .isEqualTo(blob.transferSyntaxUid());
                assertThat(blob.sopInstanceUid()).isEqualTo(uid);
                tsByDigest.put(blob.dataSetDigest(), blob.transferSyntaxUid());
            }
            assertThat(versions).as("%s: one version per distinct data set sent", uid).hasSize(tsByDigest.size());
            assertThat(tsByDigest.keySet()).as("%s: stored data sets (from %s)", uid, g.getValue())
                    .containsExactlyInAnyOrderElementsOf(expectedDigests.get(uid));
            assertThat(new TreeSet<>(tsByDigest.values())).as("%s: transfer syntaxes", uid)
                    .isEqualTo(g.getValue().stream().map(f -> dump(f.file()).get("TransferSyntaxUID").orElseThrow())
                            .collect(Collectors.toCollection(TreeSet::new)));
            assertThat(versions.stream().filter(InstanceVersion::current)).as("%s: exactly one current version", uid).hasSize(1);

            StoredInstance current = hub.index().findInstance(uid).orElseThrow();
            assertThat(current.version()).isEqualTo(versions.stream().mapToInt(InstanceVersion::version).max().orElseThrow());
            DcmtkDump d = dump(g.getValue().get(0).file());
            assertThat(current.studyInstanceUid()).as(uid).isEqualTo(d.get("StudyInstanceUID").orElseThrow());
            assertThat(current.seriesInstanceUid()).as(uid).isEqualTo(d.get("SeriesInstanceUID").orElseThrow());
            assertThat(current.sopClassUid()).as(uid).isEqualTo(d.get("SOPClassUID").orElseThrow());
            SeriesSummary series = hub.index().seriesOfStudy(current.studyInstanceUid()).stream()
                    .filter(s -> s.seriesInstanceUid().equals(current.seriesInstanceUid())).findFirst().orElseThrow();
            assertThat(series.series().modality()).as("%s modality", uid).isEqualTo(d.get("Modality").orElse(null));
        }
    }

    /** Expected digests when every file arrives exactly as a conformant sender transmits it. */
    public static Map<String, Set<String>> asTransmitted(List<InteropFiles.Part10> sources) {
        Map<String, Set<String>> m = new TreeMap<>();
        sources.forEach(s -> m.computeIfAbsent(s.sopInstanceUid(), k -> new TreeSet<>()).add(s.transmittedDigest()));
        return m;
    }

    /** The patient name the hub indexed for the current version of {@code sopInstanceUid}. */
    public static PatientName patientName(Hub hub, String sopInstanceUid) throws StorageException {
        StoredInstance si = hub.index().findInstance(sopInstanceUid).orElseThrow();
        return hub.index().findPatient(si.institutionId(), si.patientId(), si.issuer()).orElseThrow().patient().name();
    }

    /**
     * The reference for a file's Patient's Name as Unicode: {@code dcmdump --convert-to-utf8}
     * where DCMTK can convert the file's character set; for ISO 2022 IR 87 (Japanese), which
     * this DCMTK build cannot convert, the raw value dcmdump prints decoded by the JDK's
     * ISO-2022-JP decoder, which handles the same escape sequences (PS3.5 6.1.2.5.3).
     */
    public static String referencePatientName(Path file) {
        String charset = dump(file).get("SpecificCharacterSet").orElse("");
        if (charset.contains("ISO 2022 IR 87")) {
            byte[] raw = DcmtkDump.rawValue(file, "PatientName").orElseThrow();
            return new String(raw, Charset.forName("ISO-2022-JP"));
        }
        return DcmtkDump.of(file, true).get("PatientName").orElseThrow();
    }
}
