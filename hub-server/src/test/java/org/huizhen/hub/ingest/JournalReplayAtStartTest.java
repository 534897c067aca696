package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state a crash leaves between the C-STORE response and the background index write: the
 * blob is stored and the record is in the journal, the index has no row. The next start must
 * index it before serving, so the acknowledged instance is there.
 */
class JournalReplayAtStartTest {
    @TempDir
    Path dataDir;

    @Test
    void anAcknowledgedButUnindexedInstanceIsIndexedAtTheNextStart() throws Exception {
        Path source = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        BlobId id;
        long size;
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(dataDir.resolve("blobs"), Durability.FSYNC)) {
            byte[] bytes = Files.readAllBytes(source);
            try (BlobWriter w = blobs.create()) {
                w.write(bytes, 0, bytes.length);
                id = w.commit();
            }
            size = bytes.length;
            InstanceIndexer indexer = new InstanceIndexer(DecodeLimits.DEFAULT, Optional.empty());
            var sop = org.huizhen.dicom.io.Part10.readHeader(source, DecodeLimits.DEFAULT).meta();
            InstanceIndexer.Parsed parsed = indexer.parse(blobs, id, sop.mediaStorageSopClassUid(), sop.mediaStorageSopInstanceUid());
            try (IngestJournal journal = IngestJournal.open(dataDir, true)) {
                journal.recover();
                journal.append(indexer.record(parsed, id, size,
                        new Origin("demo", Protocol.DIMSE, "CLINIC", "HUIZHEN", "127.0.0.1", Instant.now())));
            }
        }
        String sopUid = org.huizhen.dicom.io.Part10.readHeader(source, DecodeLimits.DEFAULT).meta().mediaStorageSopInstanceUid();
        try (Hub hub = Hub.start(InteropHub.durableConfig(dataDir))) {
            StoredInstance si = hub.index().findInstance(sopUid).orElseThrow();
            assertThat(si.blobId()).isEqualTo(id);
            assertThat(hub.index().instanceCount()).isEqualTo(1);
        }
        // replayed once: the journal is empty and a second start indexes nothing new
        assertThat(Files.size(dataDir.resolve("journal/ingest.wal"))).isZero();
        try (Hub hub = Hub.start(InteropHub.durableConfig(dataDir))) {
            assertThat(hub.index().versionsOf(sopUid)).hasSize(1);
        }
    }
}
