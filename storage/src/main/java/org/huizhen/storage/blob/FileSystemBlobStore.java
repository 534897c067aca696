package org.huizhen.storage.blob;

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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Threading: thread-safe. Writers are independent (own temp file each); two writers of
 * identical content may commit at once: the rename of identical bytes onto an existing name is
 * harmless and both return the same id.
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemBlobStore.class);
    private static final String TEMP_DIR = "tmp";
    private static final String TEMP_SUFFIX = ".part";

    private final Path root;
    private final Path tempDir;
    private final Durability durability;
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

    /**
     * A store under {@code root}. No I/O happens here: directories are created by the first
     * write, so a missing or unwritable root shows up as HZ-2003 from {@link #create()}.
     */
    public FileSystemBlobStore(Path root, Durability durability) {
        this.root = root.toAbsolutePath().normalize();
        this.tempDir = this.root.resolve(TEMP_DIR);
        this.durability = java.util.Objects.requireNonNull(durability, "durability");
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
            if (!tempDirReady) {
                ensureDirectory(tempDir);
                tempDirReady = true;
            }
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            activeTemps.add(temp);
            return new FileWriter(temp, channel);
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

    /** One streaming write. Not thread-safe: one thread at a time (see {@link BlobWriter}). */
    private final class FileWriter implements BlobWriter {
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest digest = sha256();
        private long size;
        /** Bytes known to be on stable storage (forced); only meaningful with FSYNC. */
        private long synced;
        /** Renamed to its final name by {@link #commit()}. */
        private boolean moved;
        private boolean finished;

        FileWriter(Path temp, FileChannel channel) {
            this.temp = temp;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer src) throws StorageException {
            checkWritable();
            ByteBuffer forDigest = src.duplicate();
            try {
                while (src.hasRemaining()) {
                    size += channel.write(src);
                }
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot write temp file " + temp, e);
            }
            digest.update(forDigest);
            if (size - synced >= SYNC_EVERY_BYTES) {
                sync();
            }
        }

        @Override
        public void write(ByteBuffer[] srcs) throws StorageException {
            checkWritable();
            long total = 0;
            ByteBuffer[] forDigest = new ByteBuffer[srcs.length];
            for (int i = 0; i < srcs.length; i++) {
                forDigest[i] = srcs[i].duplicate();
                total += srcs[i].remaining();
            }
            try {
                // writev(2); the JDK splits beyond IOV_MAX buffers itself
                for (long done = 0; done < total; ) {
                    done += channel.write(srcs);
                }
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot write temp file " + temp, e);
            }
            size += total;
            for (ByteBuffer b : forDigest) {
                digest.update(b);
            }
            if (size - synced >= SYNC_EVERY_BYTES) {
                sync();
            }
        }

        @Override
        public void sync() throws StorageException {
            checkWritable();
            if (durability != Durability.FSYNC || synced == size) {
                return;
            }
            try {
                channel.force(false); // fdatasync, as at commit
            } catch (IOException e) {
                throw new StorageException("HZ-2003 cannot sync temp file " + temp, e);
            }
            fsyncCount.incrementAndGet();
            synced = size;
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

        /** Releases the channel and deletes the temp file if it is still there (abort or failed commit). */
        private void abortFiles() {
            closeQuietly(channel);
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
