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
import java.util.ArrayList;
import java.util.List;
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
import org.huizhen.storage.HeldBlob;
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
 * stored blob comes from the disk, and from the page cache only after that, unless the store has
 * a cache of recently stored blobs ({@link BlobCache}, {@link #held}): the writers then stage in
 * the cache's slabs, which become the blob's entry at commit, so a study opened within its
 * reading SLA is sent from memory the store already owns. A file system that refuses {@code O_DIRECT} (tmpfs, some FUSE
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
     * What a {@link WriteMode#DIRECT} writer stages before it writes, in bytes: the size of its
     * direct writes (a whole number of blocks for any block size up to it), in slabs of
     * {@link BlobCache#slabBytes(int)}.
     */
    static final int STAGE_BYTES = 1 << 20;
    /** Staging slabs of the store's own pool kept idle for reuse, in bytes of direct memory at most. */
    private static final int MAX_POOLED_SLAB_BYTES = 32 << 20;

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
    /** Idle staging slabs of direct writers that are not kept (aligned to {@link #directAlignment}). */
    private final ConcurrentLinkedQueue<BlobCache.Slab> spareSlabs = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledSlabBytes = new AtomicInteger();
    /** Recently stored blobs held in memory ({@link WriteMode#DIRECT} only); null without one. */
    private final BlobCache cache;
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

    /** A store without a cache of recently stored blobs; see {@link #FileSystemBlobStore(Path, Durability, WriteMode, long)}. */
    public FileSystemBlobStore(Path root, Durability durability, WriteMode mode) {
        this(root, durability, mode, 0);
    }

    /**
     * A store under {@code root}. No I/O happens here: directories are created by the first
     * write, so a missing or unwritable root shows up as HZ-2003 from {@link #create()}, and
     * whether the file system takes {@link WriteMode#DIRECT} writes is probed then.
     *
     * @param cacheBytes with {@link WriteMode#DIRECT}: memory for the bytes of recently stored
     *                   blobs ({@link BlobCache}, served by {@link #held}), allocated as writes
     *                   first need it; 0 (or under {@value BlobCache#CHUNK_BYTES} bytes) for none.
     *                   Ignored when buffered: the page cache holds what was written.
     */
    public FileSystemBlobStore(Path root, Durability durability, WriteMode mode, long cacheBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.tempDir = this.root.resolve(TEMP_DIR);
        this.durability = Objects.requireNonNull(durability, "durability");
        this.requestedMode = Objects.requireNonNull(mode, "mode");
        if (mode == WriteMode.BUFFERED) {
            directAlignment = -1;
        }
        this.cache = mode == WriteMode.DIRECT && cacheBytes >= BlobCache.CHUNK_BYTES ? new BlobCache(cacheBytes) : null;
    }

    /** Bytes the cache of recently stored blobs may hold; 0 without one (buffered, or none configured). */
    public long cacheCapacity() {
        return cache == null || directAlignment == -1 ? 0 : cache.capacity();
    }

    /** The cache's counters, or empty without one. */
    public Optional<BlobCacheStats> cacheStats() {
        return Optional.ofNullable(cache).map(BlobCache::stats);
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
            return new FileWriter(temp, channel, align);
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
        if (cache != null) {
            cache.invalidate(id);
        }
        try {
            Files.deleteIfExists(pathOf(id));
        } catch (IOException e) {
            throw new StorageException("HZ-2009 cannot remove blob " + id, e);
        }
    }

    @Override
    public Optional<HeldBlob> held(BlobId id) {
        return cache == null || closed ? Optional.empty() : cache.hold(id);
    }

    @Override
    public boolean isHeld(BlobId id) {
        return cache != null && !closed && cache.contains(id);
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
        if (cache != null) {
            cache.close();
        }
        spareSlabs.clear();
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

    /**
     * A staging slab of the store's own pool for a direct writer that does not keep its blob: a
     * pooled one, or the first of a new {@link #STAGE_BYTES} allocation aligned to {@code align}
     * (the others go to the pool).
     */
    private BlobCache.Slab spareSlab(int align) {
        BlobCache.Slab s = spareSlabs.poll();
        if (s != null) {
            pooledSlabBytes.addAndGet(-s.buf.capacity());
            s.buf.clear();
            return s;
        }
        int slab = BlobCache.slabBytes(align);
        ByteBuffer chunk = ByteBuffer.allocateDirect(STAGE_BYTES + align).alignedSlice(align);
        BlobCache.Slab first = new BlobCache.Slab(chunk.slice(0, slab), false);
        for (int at = slab; at + slab <= STAGE_BYTES; at += slab) {
            release(new BlobCache.Slab(chunk.slice(at, slab), false));
        }
        return first;
    }

    /** Gives a staging slab back: to the cache's arena, or to the pool (let go when the pool is full). */
    private void release(BlobCache.Slab s) {
        if (s.arena) {
            cache.give(s);
        } else if (pooledSlabBytes.addAndGet(s.buf.capacity()) <= MAX_POOLED_SLAB_BYTES) {
            spareSlabs.add(s);
        } else {
            pooledSlabBytes.addAndGet(-s.buf.capacity());
        }
    }

    private void releaseAll(List<BlobCache.Slab> slabs) {
        for (BlobCache.Slab s : slabs) {
            release(s);
        }
        slabs.clear();
    }

    /** Writes every remaining byte of {@code bufs} at the channel's position; returns the count. */
    private static long writeAll(FileChannel to, ByteBuffer[] bufs) throws IOException {
        long total = 0;
        for (ByteBuffer b : bufs) {
            total += b.remaining();
        }
        for (long done = 0; done < total; ) {
            done += to.write(bufs); // writev(2)
        }
        return total;
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
     * <p>Buffered: every write goes to {@code channel}. Direct: bytes gather in {@code slabs}
     * (from the cache's arena while the blob is being kept for it, else from the store's pool);
     * whenever {@link #STAGE_BYTES} of full slabs wait, they go out with one gathering O_DIRECT
     * write at the channel's position ({@code fileBytes}, block-aligned). {@link #finishDirect()}
     * (at {@link #sync()} or {@link #commit()}) writes the waiting slabs' whole blocks the same
     * way and the last partial block through a buffered channel of the same file, which from then
     * on is {@code channel}. A kept blob's slabs stay with the writer once written and become its
     * cache entry at commit.
     */
    private final class FileWriter implements BlobWriter {
        private final Path temp;
        private FileChannel channel;
        private final MessageDigest digest = sha256();
        private final int align;
        /** Staging slabs while writing directly, in order; null when buffered (or once the tail is written). */
        private List<BlobCache.Slab> slabs;
        /** {@code slabs[0, written)} are in the file (kept for the cache). */
        private int written;
        /** Slabs of {@link #STAGE_BYTES}: how many full ones wait before a direct write. */
        private final int group;
        /** Whether the blob's bytes are being kept for the cache. */
        private boolean keep;
        /** After {@link #finishDirect()}: the kept blob's slabs, every byte of it, for the cache at commit. */
        private List<BlobCache.Slab> kept;
        private long size;
        /** Bytes in the file (size minus what waits in the slabs). */
        private long fileBytes;
        /** Bytes known to be on stable storage (forced); only meaningful with FSYNC. */
        private long synced;
        /** Renamed to its final name by {@link #commit()}. */
        private boolean moved;
        private boolean finished;

        FileWriter(Path temp, FileChannel channel, int align) {
            this.temp = temp;
            this.channel = channel;
            this.align = align;
            boolean direct = align > 0;
            this.slabs = direct ? new ArrayList<>() : null;
            this.group = direct ? STAGE_BYTES / BlobCache.slabBytes(align) : 0;
            this.keep = direct && cache != null && cache.maxEntryBytes() > 0;
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
                if (slabs != null) {
                    for (ByteBuffer b : srcs) {
                        stageBytes(b);
                    }
                } else {
                    if (kept != null && total > 0) {
                        releaseAll(kept); // bytes after the tail: the kept ones are no longer the whole blob
                        kept = null;
                    }
                    fileBytes += writeAll(channel, srcs); // the JDK splits beyond IOV_MAX buffers itself
                }
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot write temp file " + temp, e);
            }
            size += total;
            if (fileBytes - synced >= SYNC_EVERY_BYTES) {
                forceFile();
            }
        }

        /** Copies {@code src} into the slabs, writing each {@link #STAGE_BYTES} of full ones. */
        private void stageBytes(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                BlobCache.Slab cur = slabs.isEmpty() ? null : slabs.get(slabs.size() - 1);
                if (cur == null || !cur.buf.hasRemaining()) {
                    if (slabs.size() - written == group) {
                        writeWaiting();
                    }
                    cur = nextSlab();
                    slabs.add(cur);
                }
                int n = Math.min(src.remaining(), cur.buf.remaining());
                int limit = src.limit();
                src.limit(src.position() + n);
                cur.buf.put(src);
                src.limit(limit);
            }
        }

        /** A slab to fill: the arena's while keeping (if it has one to give), else the pool's. */
        private BlobCache.Slab nextSlab() {
            if (keep) {
                BlobCache.Slab s = cache.take(align);
                if (s != null) {
                    return s;
                }
                stopKeeping();
            }
            return spareSlab(align);
        }

        /** The blob will not be cached: the slabs already written go back. */
        private void stopKeeping() {
            keep = false;
            releaseAll(slabs.subList(0, written));
            written = 0;
        }

        /**
         * Writes the waiting slabs ({@code slabs[written, size)}, all full) directly; then keeps
         * them if the blob still fits an entry, else gives them back.
         */
        private void writeWaiting() throws IOException {
            int n = slabs.size() - written;
            ByteBuffer[] bufs = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                bufs[i] = slabs.get(written + i).buf.duplicate().flip();
            }
            fileBytes += writeAll(channel, bufs);
            if (keep && (long) slabs.size() * BlobCache.slabBytes(align) <= cache.maxEntryBytes()) {
                written = slabs.size();
            } else {
                keep = false;
                releaseAll(slabs);
                written = 0;
            }
        }

        /**
         * Direct mode ends: the waiting slabs' whole blocks go out directly, the last partial
         * block through a buffered channel of the same file, which takes over every later write
         * and the forces; then the slabs are kept for the cache, or go back.
         */
        private void finishDirect() throws IOException {
            if (slabs == null) {
                return;
            }
            List<BlobCache.Slab> all = slabs;
            BlobCache.Slab last = all.size() > written ? all.get(all.size() - 1) : null;
            int filled = last == null ? 0 : last.buf.position();
            int whole = filled / align * align;
            List<ByteBuffer> direct = new ArrayList<>();
            for (int i = written; i < all.size() - 1; i++) {
                direct.add(all.get(i).buf.duplicate().flip());
            }
            if (whole > 0) {
                direct.add(last.buf.duplicate().position(0).limit(whole));
            }
            if (!direct.isEmpty()) {
                fileBytes += writeAll(channel, direct.toArray(ByteBuffer[]::new));
            }
            FileChannel buffered = FileChannel.open(temp, StandardOpenOption.WRITE);
            try {
                buffered.position(fileBytes);
                if (filled > whole) {
                    fileBytes += writeAll(buffered, new ByteBuffer[] {last.buf.duplicate().position(whole).limit(filled)});
                }
            } catch (IOException e) {
                closeQuietly(buffered);
                throw e;
            }
            closeQuietly(channel);
            channel = buffered;
            slabs = null;
            written = 0;
            if (keep && size > 0 && (long) all.size() * BlobCache.slabBytes(align) <= cache.maxEntryBytes()) {
                kept = all;
            } else {
                releaseAll(all);
            }
            keep = false;
        }

        /** fdatasync of what is in the file so far (the waiting slabs' bytes are not, yet). */
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
                    keepInCache(id);
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
                keepInCache(id); // durable and visible: readers may now be served from memory
                return id;
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot commit blob " + id, e);
            } finally {
                if (moved) {
                    // renamed into place: nothing is left under the temp name to delete
                    closeQuietly(channel);
                    activeTemps.remove(temp);
                    if (kept != null) {
                        releaseAll(kept); // the directory force failed: not acknowledged, not cached
                        kept = null;
                    }
                } else {
                    abortFiles();
                }
            }
        }

        /** The kept slabs become the blob's cache entry. */
        private void keepInCache(BlobId id) {
            if (kept != null) {
                cache.put(id, kept, size);
                kept = null;
            }
        }

        @Override
        public void close() {
            if (!finished) {
                finished = true;
                abortFiles();
            }
        }

        /** Releases the channel and slabs and deletes the temp file if it is still there (abort or failed commit). */
        private void abortFiles() {
            closeQuietly(channel);
            if (slabs != null) {
                releaseAll(slabs);
                slabs = null;
            }
            if (kept != null) {
                releaseAll(kept);
                kept = null;
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
