package org.huizhen.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.huizhen.storage.blob.BlobStoreTest.randomBytes;
import static org.huizhen.storage.blob.BlobStoreTest.sha256;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.FileSystemBlobStore.WriteMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WriteMode#DIRECT}: O_DIRECT writes of whole blocks from the staging buffer, the tail
 * through the page cache. Every size around the block and stage boundaries must come back byte
 * for byte under the SHA-256 of its content; a file system without O_DIRECT falls back.
 */
class FileSystemBlobStoreDirectTest {
    private static final int STAGE = FileSystemBlobStore.STAGE_BYTES;
    /** Local file systems whose Linux drivers take O_DIRECT: on these the mode must really be direct. */
    private static final Set<String> DIRECT_CAPABLE = Set.of("ext4", "xfs", "btrfs");

    @TempDir
    Path root;
    private FileSystemBlobStore store;

    @BeforeEach
    void open() {
        store = new FileSystemBlobStore(root, Durability.FSYNC, WriteMode.DIRECT);
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        store.close();
    }

    @Test
    void aFileSystemThatTakesODirectIsWrittenDirect() throws Exception {
        String type = Files.getFileStore(root).type().toLowerCase(Locale.ROOT);
        WriteMode mode = store.writeMode();
        if (DIRECT_CAPABLE.contains(type)) {
            assertThat(mode).as("mode on %s", type).isEqualTo(WriteMode.DIRECT);
        }
        assertThat(mode).isEqualTo(takesODirect(root) ? WriteMode.DIRECT : WriteMode.BUFFERED);
        // the probe leaves nothing behind
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp.toList()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 511, 512, 513, 4095, 4096, 4097, STAGE - 1, STAGE, STAGE + 1, 3 * STAGE + 123, 10 * STAGE + 4097})
    void everySizeComesBackExactlyUnderItsHash(int size) throws Exception {
        byte[] all = randomBytes(size, size);
        BlobId id;
        try (BlobWriter w = store.create()) {
            // uneven pieces, heap and direct, single and gathering writes, as the ingest lanes hand them over
            int at = 0;
            int step = 1;
            while (at < size) {
                int n = Math.min(size - at, step);
                if (step % 3 == 0) {
                    ByteBuffer d = ByteBuffer.allocateDirect(n).put(all, at, n).flip();
                    w.write(d);
                    assertThat(d.hasRemaining()).isFalse();
                } else if (step % 3 == 1) {
                    w.write(all, at, n);
                } else {
                    int half = n / 2;
                    w.write(new ByteBuffer[] {ByteBuffer.wrap(all, at, half), ByteBuffer.wrap(all, at + half, n - half)});
                }
                at += n;
                step = step * 7 % 300_007 + 1;
            }
            assertThat(w.size()).isEqualTo(size);
            id = w.commit();
        }
        assertThat(id).isEqualTo(sha256(all));
        assertThat(store.size(id)).isEqualTo(size);
        assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
    }

    @Test
    void writesAfterAnEarlySyncContinueAtTheRightOffset() throws Exception {
        byte[] all = randomBytes(21, 2 * STAGE + 70_001);
        int first = STAGE + 4097; // a whole stage, whole blocks and a partial block before the sync
        BlobId id;
        try (BlobWriter w = store.create()) {
            w.write(all, 0, first);
            long before = store.fsyncCount();
            w.sync();
            assertThat(store.fsyncCount() - before).isEqualTo(1);
            w.write(all, first, all.length - first);
            id = w.commit();
        }
        assertThat(id).isEqualTo(sha256(all));
        assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
    }

    @Test
    void aLargeBlobIsForcedWhileBeingWritten() throws Exception {
        byte[] piece = randomBytes(11, 1 << 20);
        BlobId id;
        try (BlobWriter w = store.create()) {
            long before = store.fsyncCount();
            for (int i = 0; i < 20; i++) {
                w.write(piece, 0, piece.length);
            }
            // 20 MiB: the data that reached the file is forced every SYNC_EVERY_BYTES (8 and 16 MiB)
            assertThat(store.fsyncCount() - before).isEqualTo(2);
            id = w.commit();
        }
        assertThat(store.size(id)).isEqualTo(20L << 20);
        try (var in = store.open(id)) {
            for (int i = 0; i < 20; i++) {
                assertThat(in.readNBytes(piece.length)).isEqualTo(piece);
            }
        }
    }

    @Test
    void manyWritersInTurnReuseStagesAndLeaveNoTempFiles() throws Exception {
        List<BlobId> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] b = randomBytes(100 + i, 300_000 + i * 977);
            try (BlobWriter w = store.create()) {
                w.write(b, 0, b.length);
                if (i % 5 == 4) {
                    continue; // closed without commit: aborted
                }
                ids.add(w.commit());
            }
        }
        assertThat(ids).hasSize(32).doesNotHaveDuplicates();
        for (BlobId id : ids) {
            assertThat(sha256(Files.readAllBytes(store.localPath(id).orElseThrow()))).isEqualTo(id);
        }
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp.toList()).isEmpty();
        }
    }

    @Test
    void onTmpfsTheModeIsWhatTheFileSystemTakes() throws Exception {
        // tmpfs refuses O_DIRECT before Linux 6.6 and takes it since: either way the probe must
        // agree with the file system, and the blob must come back whole.
        Path shm = Path.of("/dev/shm");
        assumeThat(Files.isDirectory(shm) && Files.isWritable(shm)
                && Files.getFileStore(shm).type().equals("tmpfs")).as("a writable tmpfs at /dev/shm").isTrue();
        Path dir = Files.createTempDirectory(shm, "hz-blob-direct-");
        try (FileSystemBlobStore onTmpfs = new FileSystemBlobStore(dir, Durability.FSYNC, WriteMode.DIRECT)) {
            byte[] b = randomBytes(5, 3 * STAGE + 5);
            BlobId id;
            try (BlobWriter w = onTmpfs.create()) {
                w.write(b, 0, b.length);
                id = w.commit();
            }
            assertThat(onTmpfs.writeMode()).isEqualTo(takesODirect(dir) ? WriteMode.DIRECT : WriteMode.BUFFERED);
            assertThat(Files.readAllBytes(onTmpfs.localPath(id).orElseThrow())).isEqualTo(b);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aBufferedStoreNeverWritesDirect() throws Exception {
        try (FileSystemBlobStore buffered = new FileSystemBlobStore(root.resolve("b"), Durability.FSYNC)) {
            assertThat(buffered.writeMode()).isEqualTo(WriteMode.BUFFERED);
        }
    }

    /** Whether an aligned O_DIRECT write of one block succeeds in {@code dir}, tried independently of the store. */
    private static boolean takesODirect(Path dir) throws Exception {
        Path probe = dir.resolve("test-probe");
        int block = (int) Files.getFileStore(dir).getBlockSize();
        try (var ch = java.nio.channels.FileChannel.open(probe, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            ch.write(ByteBuffer.allocateDirect(2 * block).alignedSlice(block).limit(block));
            return true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
