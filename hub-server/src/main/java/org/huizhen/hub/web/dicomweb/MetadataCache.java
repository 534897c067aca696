package org.huizhen.hub.web.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.vertx.core.buffer.Buffer;

import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.web.BulkDataUriFactory;
import org.huizhen.dicom.web.DicomJson;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.StoredInstance;

/**
 * The DICOM JSON (PS3.18 F.2) of stored instances for WADO-RS /metadata, rendered once per blob
 * and kept in {@code <dataDir>/cache/metadata/<blobId>.json}. A blob id is the SHA-256 of the
 * stored bytes, so an entry can never be stale: a new version of an instance is a new blob and a
 * new entry. Entries appear atomically (written to a temporary sibling, then renamed), so a
 * concurrent reader sees a whole entry or none; two threads rendering the same blob at once
 * write the same bytes.
 *
 * <p>Bulk data (Pixel Data, encapsulated fragments, binary values longer than
 * {@value #BULK_DATA_THRESHOLD} bytes) become {@code BulkDataURI}s naming this service's
 * {@code /bulkdata} resource of the instance: {@code <basePath>/studies/<study>/series/<series>
 * /instances/<sop>/bulkdata/<attribute path>} (an absolute path on the hub's origin, so the
 * cached bytes do not depend on the host name a client used).
 *
 * <p>Thread-safe. Every method blocks (file I/O, parsing): call it off the event loop.
 */
public final class MetadataCache {

    /** Binary values longer than this many bytes are sent as bulk data, not inline. */
    public static final long BULK_DATA_THRESHOLD = 1024;

    private final BlobStore blobs;
    private final Path dir;
    private final String basePath;

    /**
     * @param blobs    the blob store holding the instances
     * @param dataDir  the hub's data directory; entries go to {@code cache/metadata} below it
     * @param basePath the DICOMweb service root path, e.g. {@code /dicomweb}
     */
    public MetadataCache(BlobStore blobs, Path dataDir, String basePath) {
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.dir = dataDir.resolve("cache").resolve("metadata");
        this.basePath = Objects.requireNonNull(basePath, "basePath");
    }

    /** The cache directory. */
    public Path directory() {
        return dir;
    }

    /**
     * The bulk data URI factory for one instance's metadata: {@link BulkDataUriFactory#above}
     * with {@link #BULK_DATA_THRESHOLD}, naming {@code <basePath>/studies/.../bulkdata/<path>}.
     */
    public static BulkDataUriFactory bulkDataUris(String basePath, String study, String series, String sopInstance) {
        String prefix = basePath + "/studies/" + study + "/series/" + series + "/instances/" + sopInstance + "/bulkdata/";
        return BulkDataUriFactory.above(BULK_DATA_THRESHOLD, p -> prefix + p);
    }

    /**
     * The rendered JSON object of one instance: from the cache, or rendered from its blob and
     * cached.
     *
     * @throws StorageException if the blob cannot be read
     * @throws IOException      if the blob is not a readable Part 10 file or the cache cannot be written
     */
    public byte[] rendered(StoredInstance instance) throws IOException, StorageException {
        Path entry = dir.resolve(instance.blobId().hex() + ".json");
        try {
            return Files.readAllBytes(entry);
        } catch (NoSuchFileException miss) {
            byte[] json = render(instance);
            store(entry, json);
            return json;
        }
    }

    /**
     * The JSON array of the instances' objects, in the given order (PS3.18 10.4.1.2 /metadata
     * response). Entries missing from the cache are rendered in parallel.
     */
    public Buffer array(List<StoredInstance> instances) throws IOException, StorageException {
        byte[][] out = new byte[instances.size()][];
        List<Integer> misses = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            Path entry = dir.resolve(instances.get(i).blobId().hex() + ".json");
            try {
                out[i] = Files.readAllBytes(entry);
            } catch (NoSuchFileException miss) {
                misses.add(i);
            }
        }
        try {
            misses.parallelStream().forEach(i -> {
                try {
                    out[i] = rendered(instances.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (StorageException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof StorageException se) {
                throw se;
            }
            throw e;
        }
        return DicomJson.concatArray(List.of(out));
    }

    private byte[] render(StoredInstance instance) throws IOException, StorageException {
        Part10File p = readStored(blobs, instance, ReadOptions.DEFAULT.withBulkDataReferences(BULK_DATA_THRESHOLD));
        return DicomJson.render(p.dataSet(), bulkDataUris(basePath, instance.studyInstanceUid(),
                instance.seriesInstanceUid(), instance.sopInstanceUid()));
    }

    /**
     * Reads a stored instance's Part 10 blob: from its file where the store has one (large values
     * may then stay in the file as references), else from the blob stream (values inline).
     */
    static Part10File readStored(BlobStore blobs, StoredInstance instance, ReadOptions options)
            throws IOException, StorageException {
        var local = blobs.localPath(instance.blobId());
        if (local.isPresent()) {
            return DicomReader.readFile(local.get(), options);
        }
        try (InputStream in = blobs.open(instance.blobId())) {
            return DicomReader.readPart10(in, instance.sizeBytes(), options);
        }
    }

    private void store(Path entry, byte[] json) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, entry.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, json);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
