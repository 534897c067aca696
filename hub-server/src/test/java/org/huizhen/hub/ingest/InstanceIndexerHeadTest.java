package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.RecoveryReport;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.Protocol;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ingest path parses an instance's header from the copy of its first bytes it kept while
 * writing, reading on from the blob only where the header is longer: every split of real files
 * must give the record a parse of the stored blob gives, and a head holding the whole header
 * must not open the blob at all.
 */
class InstanceIndexerHeadTest {
    @TempDir
    Path dir;

    private static final Origin ORIGIN = new Origin("demo", Protocol.STOW_RS, null, null, "127.0.0.1",
            Instant.parse("2026-12-07T08:00:00Z"));

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "emri_small.dcm",
            "chrH31.dcm", "image_dfl.dcm", "JPEG2000.dcm"})
    void everySplitOfTheHeadGivesTheRecordOfTheStoredBlob(String name) throws Exception {
        byte[] file = Files.readAllBytes(DcmtkTools.testdata().resolve("dicom").resolve(name));
        InstanceIndexer indexer = new InstanceIndexer(DecodeLimits.DEFAULT, Optional.empty());
        try (FileSystemBlobStore fs = new FileSystemBlobStore(dir.resolve("blobs"), Durability.NONE)) {
            CountingOpens blobs = new CountingOpens(fs);
            BlobId id;
            try (BlobWriter w = fs.create()) {
                w.write(file, 0, file.length);
                id = w.commit();
            }
            Part10File whole = DicomReader.readFile(fs.localPath(id).orElseThrow(),
                    ReadOptions.DEFAULT.withStopBeforePixelData(true));
            String sopClass = whole.dataSet().getString(Tag.SOPClassUID).orElse("");
            String sopInstance = whole.dataSet().getString(Tag.SOPInstanceUID).orElseThrow();
            InstanceRecord expected = indexer.record(indexer.parse(blobs, id, sopClass, sopInstance), id, file.length, ORIGIN);
            long headerEnd = whole.dataSetOffset();

            for (int n : new int[] {1, 131, 132, 133, 200, (int) headerEnd, (int) headerEnd + 1, file.length / 2,
                    Math.min(file.length, 32 << 10), file.length}) {
                int opensBefore = blobs.opens.get();
                InstanceIndexer.Parsed p = indexer.parse(blobs, id, file, n, file.length, sopClass, sopInstance);
                assertThat(indexer.record(p, id, file.length, ORIGIN)).as("head of %d bytes", n).isEqualTo(expected);
                assertThat(p.warning()).isEmpty();
                if (n == file.length) {
                    assertThat(blobs.opens.get()).as("opens with the whole file in memory").isEqualTo(opensBefore);
                }
            }
        }
    }

    /** A blob store that counts {@link #open} calls. */
    private static final class CountingOpens implements BlobStore {
        private final BlobStore target;
        final AtomicInteger opens = new AtomicInteger();

        CountingOpens(BlobStore target) {
            this.target = target;
        }

        @Override
        public BlobWriter create() throws StorageException {
            return target.create();
        }

        @Override
        public InputStream open(BlobId id) throws StorageException {
            opens.incrementAndGet();
            return target.open(id);
        }

        @Override
        public InputStream openRange(BlobId id, long offset, long length) throws StorageException {
            opens.incrementAndGet();
            return target.openRange(id, offset, length);
        }

        @Override
        public long size(BlobId id) throws StorageException {
            return target.size(id);
        }

        @Override
        public boolean exists(BlobId id) throws StorageException {
            return target.exists(id);
        }

        @Override
        public void remove(BlobId id) throws StorageException {
            target.remove(id);
        }

        @Override
        public Optional<Path> localPath(BlobId id) {
            return target.localPath(id);
        }

        @Override
        public RecoveryReport recover() throws StorageException {
            return target.recover();
        }

        @Override
        public void close() {
            target.close();
        }
    }
}
