package org.huizhen.storage.blob;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.NoSuchBlobException;
import org.huizhen.storage.RecoveryReport;
import org.huizhen.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob store on a local (or shared POSIX) file system. Layout: {@code root/ab/cd/<hex>} where
 * {@code ab} and {@code cd} are the first two byte pairs of the SHA-256, so no directory holds
 * more than a few thousand files even at tens of millions of blobs; writes in progress live in
 * {@code root/tmp} (same file system, so the final rename is atomic).
 *
 * <p>Commit protocol (DESIGN.md durability rule): write the temp file while hashing, force it
 * ({@link FileChannel#force(boolean)}), rename it atomically to its final name, then force the
 * directory that received the new entry (and any directory just created, via its parent) so
 * the name itself survives power loss. A blob's final name appears only through the rename, so
 * readers never see partial content. With {@link Durability#NONE} the forces are skipped.
 *
 * <p>{@link WriteMode#DIRECT} (the hub's {@code storage.blob-write: direct}) writes whole blocks with {@code O_DIRECT}: the
 * received bytes are copied once into a pooled, block-aligned staging buffer of
 * {@link #STAGE_BYTES} and go from there to the device, never into the page cache; only the last
 * partial block goes through the page cache. Why: an archive's ingest stream is written once and
 * read later, if ever, so caching it only evicts what readers use (the reason object stores such
 * as MinIO write objects with O_DIRECT); the kernel's copy into the page cache was the largest
 * single CPU cost of ingest (a quarter of the hub's CPU in a STOW-RS profile, the more so on a
 * virtual machine whose fresh page-cache pages the host must first back); and the fdatasync then
 * has only metadata and the last block left to write. The price: the first read of a newly
 * stored blob comes from the disk, and from the page cache only after that (why the hub's
 * default stays {@link WriteMode#BUFFERED}: a tele-read study is opened within its reading SLA). A file system that refuses {@code O_DIRECT} (tmpfs, some FUSE
 * and network file systems) is detected by a probe write at the first {@link #create()} and
 * written {@link WriteMode#BUFFERED} instead, which {@link #writeMode()} then reports.
 *
 * <p>Threading: thread-safe. Writers are independent (own temp file each); two writers of
 * identical content may commit at once: the rename of identical bytes onto an existing name is
 * harmless and both return the same id.
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemBlobStore.class);
    private static final String TEMP_DIR = "tmp";
    private static final String TEMP_SUFFIX = ".part";
    /**
     * Staging buffer of a {@link WriteMode#DIRECT} writer, in bytes: the size of its direct
     * writes (a whole number of blocks for any block size up to it).
     */
    static final int STAGE_BYTES = 1 << 20;
    /** Staging buffers kept for reuse (at most this many × {@link #STAGE_BYTES} of direct memory idle). */
    private static final int MAX_POOLED_STAGES = 32;

    /** How blob data reaches the disk. */
    public enum WriteMode {
        /** write(2) into the page cache, then fdatasync. */
        BUFFERED,
        /**
         * O_DIRECT for whole blocks from an aligned staging buffer, the page cache only for the last
         * partial block; {@link #BUFFERED} where the file system refuses O_DIRECT.
         */
        DIRECT
    }

    private final Path root;
    private final Path tempDir;
    private final Durability durability;
    private final WriteMode requestedMode;
    /** Block size O_DIRECT writes are aligned to; 0 until probed, -1 when direct writes are not used. */
    private volatile int directAlignment;
    /** Idle staging buffers of direct writers (aligned to {@link #directAlignment}). */
    private final ConcurrentLinkedQueue<ByteBuffer> stages = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledStages = new AtomicInteger();
    /** Temp files of writers still open in this process: {@link #recover()} leaves them alone. */
    private final Set<Path> activeTemps = ConcurrentHashMap.newKeySet();
    private final AtomicLong fsyncCount = new AtomicLong();
    private volatile boolean closed;
    /** Set once {@code tmp} exists: saves a stat per write. */
    private volatile boolean tempDirReady;
    /**
     * Fan-out directories known to exist (this store never removes one): saves the stats of
     * {@link #ensureDirectory} on each commit. Bounded by the 65,536 two-level directories.
     */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();

    /** A store under {@code root} with {@link Durability#FSYNC}; see {@link #FileSystemBlobStore(Path, Durability)}. */
    public FileSystemBlobStore(Path root) {
        this(root, Durability.FSYNC);
    }

    /** A {@link WriteMode#BUFFERED} store; see {@link #FileSystemBlobStore(Path, Durability, WriteMode)}. */
    public FileSystemBlobStore(Path root, Durability durability) {
        this(root, durability, WriteMode.BUFFERED);
    }

    /**
     * A store under {@code root}. No I/O happens here: directories are created by the first
     * write, so a missing or unwritable root shows up as HZ-2003 from {@link #create()}, and
     * whether the file system takes {@link WriteMode#DIRECT} writes is probed then.
     */
    public FileSystemBlobStore(Path root, Durability durability, WriteMode mode) {
        this.root = root.toAbsolutePath().normalize();
        this.tempDir = this.root.resolve(TEMP_DIR);
        this.durability = Objects.requireNonNull(durability, "durability");
        this.requestedMode = Objects.requireNonNull(mode, "mode");
        if (mode == WriteMode.BUFFERED) {
            directAlignment = -1;
        }
    }

    /**
     * How blobs are written: the requested mode, except {@link WriteMode#BUFFERED} when the file
     * system refuses O_DIRECT. Probes it (creating {@code tmp}) if no write has done so yet.
     *
     * @throws StorageException HZ-2003 if {@code tmp} cannot be created
     */
    public WriteMode writeMode() throws StorageException {
        if (directAlignment == 0) {
            try {
                ensureTempDir();
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot create " + tempDir, e);
            }
            probeDirect();
        }
        return directAlignment == -1 ? WriteMode.BUFFERED : requestedMode;
    }

    public Path root() {
        return root;
    }

    public Durability durability() {
        return durability;
    }

    /**
     * Number of {@code fsync} calls (file and directory) made so far; a metric, and the way tests
     * check that the durable path is taken.
     */
    public long fsyncCount() {
        return fsyncCount.get();
    }

    /** Final location of a blob (whether or not it exists). */
    public Path pathOf(BlobId id) {
        String hex = id.hex();
        return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)).resolve(hex);
    }

    @Override
    public BlobWriter create() throws StorageException {
        checkOpen();
        Path temp = tempDir.resolve(UUID.randomUUID() + TEMP_SUFFIX);
        try {
            ensureTempDir();
            int align = directAlignment == 0 ? probeDirect() : directAlignment;
            FileChannel channel = align > 0
                    ? FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                            ExtendedOpenOption.DIRECT)
                    : FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            activeTemps.add(temp);
            return new FileWriter(temp, channel, align > 0 ? stage(align) : null, align);
        } catch (IOException e) {
            throw new StorageException("HZ-2003 cannot create temp file " + temp, e);
        }
    }

    @Override
    public InputStream open(BlobId id) throws StorageException {
        checkOpen();
        try {
            return Files.newInputStream(pathOf(id));
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(id);
        } catch (IOException e) {
            throw new StorageException("HZ-2004 cannot open blob " + id, e);
        }
    }

    @Override
    public InputStream openRange(BlobId id, long offset, long length) throws StorageException {
        checkOpen();
        FileChannel channel;
        try {
            channel = FileChannel.open(pathOf(id), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(id);
        } catch (IOException e) {
            throw new StorageException("HZ-2004 cannot open blob " + id, e);
        }
        try {
            Ranges.check(id, offset, length, channel.size());
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("HZ-2004 cannot read blob " + id, e);
        }
    }

    @Override
    public long size(BlobId id) throws StorageException {
        checkOpen();
        try {
            return Files.size(pathOf(id));
        } catch (NoSuchFileException e) {
            throw new NoSuchBlobException(id);
        } catch (IOException e) {
            throw new StorageException("HZ-2004 cannot stat blob " + id, e);
        }
    }

    @Override
    public boolean exists(BlobId id) throws StorageException {
        checkOpen();
        return Files.isRegularFile(pathOf(id));
    }

    @Override
    public void remove(BlobId id) throws StorageException {
        checkOpen();
        try {
            Files.deleteIfExists(pathOf(id));
        } catch (IOException e) {
            throw new StorageException("HZ-2009 cannot remove blob " + id, e);
        }
    }

    @Override
    public Optional<Path> localPath(BlobId id) {
        Path path = pathOf(id);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    @Override
    public RecoveryReport recover() throws StorageException {
        checkOpen();
        int files = 0;
        long bytes = 0;
        if (!Files.isDirectory(tempDir)) {
            return RecoveryReport.NOTHING; // nothing was ever written here
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir)) {
            for (Path temp : temps) {
                if (activeTemps.contains(temp) || !Files.isRegularFile(temp)) {
                    continue;
                }
                long size = Files.size(temp);
                if (Files.deleteIfExists(temp)) {
                    files++;
                    bytes += size;
                }
            }
        } catch (IOException e) {
            throw new StorageException("HZ-2008 cannot clean temp directory " + tempDir, e);
        }
        if (files > 0) {
            LOG.info("Blob store {}: removed {} temp file(s), {} bytes, of interrupted writes", root, files, bytes);
        }
        return new RecoveryReport(files, bytes);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() throws StorageException {
        if (closed) {
            throw new StorageException("HZ-2007 blob store closed: " + root);
        }
    }

    private void ensureTempDir() throws IOException {
        if (!tempDirReady) {
            ensureDirectory(tempDir);
            tempDirReady = true;
        }
    }

    /**
     * Whether this file system takes O_DIRECT writes: one aligned block written to a probe file
     * in {@code tmp} (then deleted). Sets and returns {@link #directAlignment}: the file store's
     * block size, or -1 (buffered from now on, logged once) if anything refuses.
     */
    private synchronized int probeDirect() {
        if (directAlignment != 0) {
            return directAlignment;
        }
        Path probe = tempDir.resolve("direct-io-probe-" + UUID.randomUUID() + TEMP_SUFFIX);
        int align = -1;
        try {
            int block = (int) Math.min(Integer.MAX_VALUE, Files.getFileStore(tempDir).getBlockSize());
            if (block <= 0 || Integer.bitCount(block) != 1 || block > STAGE_BYTES) {
                throw new IOException("block size " + block + " is not a power of two up to " + STAGE_BYTES);
            }
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT)) {
                ByteBuffer one = ByteBuffer.allocateDirect(2 * block).alignedSlice(block).limit(block);
                while (one.hasRemaining()) {
                    ch.write(one);
                }
            }
            align = block;
            LOG.debug("Blob store {}: O_DIRECT writes aligned to {} bytes", root, block);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("HZ-2010 blob store {}: the file system refuses O_DIRECT ({}); blobs are written through the page cache",
                    root, e.toString());
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a leftover probe file is a temp file like any other: recover() removes it
            }
        }
        directAlignment = align;
        return align;
    }

    /** A staging buffer for a direct writer: a pooled one, or a new one aligned to {@code align}. */
    private ByteBuffer stage(int align) {
        ByteBuffer b = stages.poll();
        if (b != null) {
            pooledStages.decrementAndGet();
            return b.clear();
        }
        return ByteBuffer.allocateDirect(STAGE_BYTES + align).alignedSlice(align).limit(STAGE_BYTES).slice();
    }

    /** Returns a staging buffer to the pool (or lets it go when the pool is full). */
    private void release(ByteBuffer stage) {
        if (pooledStages.incrementAndGet() <= MAX_POOLED_STAGES) {
            stages.add(stage);
        } else {
            pooledStages.decrementAndGet();
        }
    }

    /** Forces a directory so that entries created or renamed in it survive power loss (Linux semantics). */
    private void forceDirectory(Path dir) throws IOException {
        if (durability != Durability.FSYNC) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
            fsyncCount.incrementAndGet();
        }
    }

    /** Creates {@code dir} and any missing parents below the root, forcing each parent that gained an entry. */
    private void ensureDirectory(Path dir) throws IOException {
        if (knownDirs.contains(dir)) {
            return;
        }
        ensureDirectoryOnDisk(dir);
        knownDirs.add(dir);
    }

    private void ensureDirectoryOnDisk(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        ensureDirectoryOnDisk(parent);
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return; // another writer created it; that writer forces the parent
        }
        forceDirectory(parent);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do: the resource is being discarded
        }
    }

    /**
     * While a blob is written, its data is forced to disk each time this many bytes have been
     * written since the last force, on the writer's own thread: for a large instance the sync
     * then runs while the rest is still arriving, and {@link BlobWriter#commit()} has only the
     * tail to force instead of the whole file (a 1 GiB instance would otherwise wait seconds for
     * one fdatasync at the end). Small blobs (below it) are forced once, at commit.
     */
    static final long SYNC_EVERY_BYTES = 8L << 20;

    /**
     * One streaming write. Not thread-safe: one thread at a time (see {@link BlobWriter}).
     *
     * <p>Buffered: every write goes to {@code channel}. Direct: bytes gather in {@code stage} and
     * each full stage goes out with one O_DIRECT write at a block-aligned position
     * ({@code fileBytes}); {@link #finishDirect()} (at {@link #sync()} or {@link #commit()})
     * writes the stage's whole blocks the same way and its last partial block through a
     * buffered channel of the same file, which from then on is {@code channel}.
     */
    private final class FileWriter implements BlobWriter {
        private final Path temp;
        private FileChannel channel;
        private final MessageDigest digest = sha256();
        /** Staging buffer while writing directly; null when buffered (or once the tail is written). */
        private ByteBuffer stage;
        private final int align;
        private long size;
        /** Bytes in the file (size minus what waits in the stage). */
        private long fileBytes;
        /** Bytes known to be on stable storage (forced); only meaningful with FSYNC. */
        private long synced;
        /** Renamed to its final name by {@link #commit()}. */
        private boolean moved;
        private boolean finished;

        FileWriter(Path temp, FileChannel channel, ByteBuffer stage, int align) {
            this.temp = temp;
            this.channel = channel;
            this.stage = stage;
            this.align = align;
        }

        @Override
        public void write(ByteBuffer src) throws StorageException {
            write(new ByteBuffer[] {src});
        }

        @Override
        public void write(ByteBuffer[] srcs) throws StorageException {
            checkWritable();
            long total = 0;
            for (ByteBuffer b : srcs) {
                total += b.remaining();
                digest.update(b.duplicate());
            }
            try {
                if (stage != null) {
                    for (ByteBuffer b : srcs) {
                        stageBytes(b);
                    }
                } else {
                    // writev(2); the JDK splits beyond IOV_MAX buffers itself
                    for (long done = 0; done < total; ) {
                        done += channel.write(srcs);
                    }
                    fileBytes += total;
                }
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot write temp file " + temp, e);
            }
            size += total;
            if (fileBytes - synced >= SYNC_EVERY_BYTES) {
                forceFile();
            }
        }

        /** Copies {@code src} into the stage, writing each stage that fills up. */
        private void stageBytes(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), stage.remaining());
                int limit = src.limit();
                src.limit(src.position() + n);
                stage.put(src);
                src.limit(limit);
                if (!stage.hasRemaining()) {
                    stage.flip();
                    writeStage(channel);
                    stage.clear();
                }
            }
        }

        /** Writes the stage from its position to its limit at {@code fileBytes}. */
        private void writeStage(FileChannel to) throws IOException {
            while (stage.hasRemaining()) {
                fileBytes += to.write(stage, fileBytes);
            }
        }

        /**
         * Direct mode ends: the stage's whole blocks go out directly, its last partial block
         * through a buffered channel of the same file, which takes over every later write and the
         * forces; the stage goes back to the pool.
         */
        private void finishDirect() throws IOException {
            if (stage == null) {
                return;
            }
            int filled = stage.position();
            int whole = filled / align * align;
            stage.flip().limit(whole);
            writeStage(channel);
            FileChannel buffered = FileChannel.open(temp, StandardOpenOption.WRITE);
            try {
                stage.limit(filled);
                writeStage(buffered);
                buffered.position(fileBytes);
            } catch (IOException e) {
                closeQuietly(buffered);
                throw e;
            }
            closeQuietly(channel);
            channel = buffered;
            release(stage);
            stage = null;
        }

        /** fdatasync of what is in the file so far (the stage's bytes are not, yet). */
        private void forceFile() throws StorageException {
            if (durability != Durability.FSYNC || synced == fileBytes) {
                return;
            }
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot sync temp file " + temp, e);
            }
            fsyncCount.incrementAndGet();
            synced = fileBytes;
        }

        @Override
        public void sync() throws StorageException {
            checkWritable();
            if (durability != Durability.FSYNC || synced == size) {
                return;
            }
            try {
                finishDirect();
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot write temp file " + temp, e);
            }
            forceFile(); // fdatasync, as at commit
        }

        @Override
        public void write(byte[] b, int off, int len) throws StorageException {
            write(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public BlobId commit() throws StorageException {
            checkWritable();
            finished = true;
            BlobId id = BlobId.ofDigest(digest.digest());
            Path target = pathOf(id);
            try {
                finishDirect();
                if (durability == Durability.FSYNC && synced < size) {
                    // fdatasync: the data and the metadata needed to read it back (size, block
                    // allocation) reach stable storage; timestamps need not. Measured on the CI
                    // kind of machine: about half the latency of a full fsync for a 0.5 MB file.
                    // The file's name is made durable by the directory fsync after the rename.
                    // Skipped when sync() already forced every byte written (nothing came since).
                    channel.force(false);
                    fsyncCount.incrementAndGet();
                    synced = size;
                }
                channel.close();
                if (Files.isRegularFile(target)) {
                    // Identical content already stored (the name is its hash): keep the existing file.
                    Files.deleteIfExists(temp);
                    return id;
                }
                ensureDirectory(target.getParent());
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new StorageException("HZ-2003 file system of " + root + " cannot rename atomically", e);
                } catch (NoSuchFileException e) {
                    // the directory was removed behind the store's back: create it again, once
                    knownDirs.remove(target.getParent());
                    ensureDirectory(target.getParent());
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                }
                moved = true;
                forceDirectory(target.getParent());
                return id;
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot commit blob " + id, e);
            } finally {
                if (moved) {
                    // renamed into place: nothing is left under the temp name to delete
                    closeQuietly(channel);
                    activeTemps.remove(temp);
                } else {
                    abortFiles();
                }
            }
        }

        @Override
        public void close() {
            if (!finished) {
                finished = true;
                abortFiles();
            }
        }

        /** Releases the channel and stage and deletes the temp file if it is still there (abort or failed commit). */
        private void abortFiles() {
            closeQuietly(channel);
            if (stage != null) {
                release(stage);
                stage = null;
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("HZ-2003 cannot delete temp file {}; recover() will", temp, e);
            }
            activeTemps.remove(temp);
        }

        private void checkWritable() throws StorageException {
            if (finished) {
                throw new StorageException("HZ-2006 blob writer already committed or closed");
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
