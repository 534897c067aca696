package org.huizhen.hub.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.Durability;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.InstanceFilter;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.StoredInstance;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code huizhen export --data DIR [--study UID] --out DIR}: writes stored instances (current
 * versions) back out as Part 10 files, {@code OUT/<study UID>/<series UID>/<SOP UID>.dcm}, for a
 * CD or a backup. Every file's SHA-256 is checked against its content address while copying,
 * and a file appears only complete (temp + rename).
 *
 * <p>With the embedded H2 index the hub must be stopped (the data directory is locked); with
 * PostgreSQL it may run.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write stored instances out as DICOM Part 10 files.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The hub's data directory.")
    Path data;
    @Option(names = "--config", paramLabel = "FILE", description = "The hub's configuration (for a PostgreSQL index).")
    Path config;
    @Option(names = "--study", paramLabel = "UID", description = "Only this study (Study Instance UID).")
    String study;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files.")
    Path out;

    @Override
    public Integer call() throws Exception {
        // A hub creates .lock when it starts and blobs/ only at its first write: a running hub
        // that has stored nothing yet has a data directory too.
        if (!Files.isDirectory(data.resolve("blobs")) && !Files.isRegularFile(data.resolve(".lock"))) {
            System.err.println("huizhen export: " + data + " is not a hub data directory (no blobs/ or .lock in it)");
            return Main.EXIT_USAGE;
        }
        ServeCommand serve = new ServeCommand();
        serve.config = config;
        serve.data = data;
        HubConfig cfg = serve.loadConfig();
        HubConfig.Index ic = cfg.storage().index();
        Files.createDirectories(out);
        try (FileChannel lockFile = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = tryLock(lockFile);
            if (!ic.isPostgres() && lock == null) {
                System.err.println("huizhen export: the hub is running on " + data
                        + " (embedded index is locked); stop it first, or use a PostgreSQL index");
                return Main.EXIT_UNAVAILABLE;
            }
            try (BlobStore blobs = new FileSystemBlobStore(data.resolve("blobs"), Durability.NONE);
                 MetadataIndex index = JdbcMetadataIndex.open(ic.isPostgres()
                         ? IndexDatabase.postgres(ic.url(), ic.user(), ic.password(), ic.schema())
                         : IndexDatabase.h2(data.resolve("index")))) {
                // A hub killed before its background indexer caught up left acknowledged
                // instances in the ingest journal: index them first, as the hub would at start.
                // Only while no hub holds the directory (a running hub owns its journal).
                if (lock != null) {
                    org.huizhen.hub.ingest.IngestPipeline.replayJournal(data, index, true);
                }
                return export(index, blobs);
            } finally {
                if (lock != null) {
                    lock.release();
                }
            }
        }
    }

    /**
     * The data directory's lock, or null while a hub holds it — in another process, or in this
     * one (a JVM reports its own lock as an overlap instead of returning null).
     */
    private static FileLock tryLock(FileChannel lockFile) throws IOException {
        try {
            return lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private int export(MetadataIndex index, BlobStore blobs) throws StorageException {
        List<StoredInstance> all = new ArrayList<>();
        index.forEachInstance(study == null ? InstanceFilter.all() : InstanceFilter.study(study), all::add);
        if (all.isEmpty()) {
            System.err.println("huizhen export: nothing to export" + (study == null ? "" : " for study " + study));
            return study == null ? 0 : Main.EXIT_PARTIAL;
        }
        List<String> failed = new ArrayList<>();
        long start = System.nanoTime();
        try (ProgressBar progress = ProgressBar.onStderr("exporting", all.size())) {
            for (StoredInstance si : all) {
                Path target = out.resolve(safe(si.studyInstanceUid())).resolve(safe(si.seriesInstanceUid()))
                        .resolve(safe(si.sopInstanceUid()) + ".dcm");
                try {
                    copy(blobs, si, target);
                } catch (IOException | StorageException e) {
                    failed.add(si.sopInstanceUid() + ": " + e.getMessage());
                }
                progress.advance(si.sizeBytes());
            }
        }
        System.out.printf("Exported %d of %d instance(s) to %s in %.1f s%n", all.size() - failed.size(), all.size(), out,
                (System.nanoTime() - start) / 1e9);
        failed.stream().limit(50).forEach(f -> System.out.println("  FAILED " + f));
        return failed.isEmpty() ? 0 : Main.EXIT_PARTIAL;
    }

    private static void copy(BlobStore blobs, StoredInstance si, Path target) throws IOException, StorageException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(blobs.open(si.blobId()), sha);
             OutputStream o = Files.newOutputStream(tmp)) {
            in.transferTo(o);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(si.blobId().hex())) {
            Files.deleteIfExists(tmp);
            throw new IOException("HZ-2901 stored content is corrupt (SHA-256 " + actual + ", expected " + si.blobId().hex() + ")");
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** UIDs are digits and dots (PS3.5 9.1); anything else is replaced so a hostile UID cannot escape {@code out}. */
    static String safe(String uid) {
        String s = uid.replaceAll("[^0-9A-Za-z.]", "_");
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" : s;
    }
}
