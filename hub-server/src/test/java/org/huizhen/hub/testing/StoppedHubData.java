package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.Durability;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.InstanceFilter;
import org.huizhen.storage.index.StoredInstance;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;

/**
 * The storage of a stopped hub's data directory opened directly — blob store {@code DIR/blobs}
 * and embedded index {@code DIR/index}, the layout {@code Hub.start} uses — so a test can check
 * what survived without going through the hub.
 *
 * <p>Not thread-safe; one test uses one instance and closes it.
 */
public final class StoppedHubData implements AutoCloseable {
    private final Path dataDir;
    private final FileSystemBlobStore blobs;
    private final JdbcMetadataIndex index;

    private StoppedHubData(Path dataDir, FileSystemBlobStore blobs, JdbcMetadataIndex index) {
        this.dataDir = dataDir;
        this.blobs = blobs;
        this.index = index;
    }

    /** Opens a data directory no hub is running on (the embedded index allows one user). */
    public static StoppedHubData open(Path dataDir) throws StorageException {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dataDir.resolve("blobs"), Durability.NONE);
        return new StoppedHubData(dataDir, blobs, JdbcMetadataIndex.open(IndexDatabase.h2(dataDir.resolve("index"))));
    }

    public FileSystemBlobStore blobs() {
        return blobs;
    }

    public JdbcMetadataIndex index() {
        return index;
    }

    /** Every available current instance, as export would see them. */
    public List<StoredInstance> instances() throws StorageException {
        List<StoredInstance> all = new ArrayList<>();
        index.forEachInstance(InstanceFilter.all(), all::add);
        return all;
    }

    /** The file holding an instance's blob (whether or not it exists). */
    public Path blobFile(StoredInstance si) {
        return blobs.pathOf(si.blobId());
    }

    /** Temp files of writes in progress or interrupted ({@code blobs/tmp}). */
    public static List<Path> tempFiles(Path dataDir) {
        return listFiles(dataDir.resolve("blobs").resolve("tmp"), false);
    }

    /** Every committed blob file (everything under {@code blobs/} except {@code tmp}). */
    public static List<Path> blobFiles(Path dataDir) {
        Path root = dataDir.resolve("blobs");
        return listFiles(root, true).stream().filter(p -> !p.startsWith(root.resolve("tmp"))).toList();
    }

    /** Whether a committed blob file's content hashes to its name (its content address). */
    public static boolean contentMatchesName(Path blobFile) {
        return SourceInstances.sha256(blobFile, 0).equals(BlobId.parse(blobFile.getFileName().toString()).hex());
    }

    private static List<Path> listFiles(Path dir, boolean recursive) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        index.close();
        blobs.close();
    }
}
