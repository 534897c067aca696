package org.huizhen.storage.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;

/**
 * Benchmark helper (not a test): fills a stopped hub's data directory with an archive of N
 * studies, so that the DICOMweb benchmark can measure QIDO-RS and STOW-RS over HTTP against a
 * hub that already holds 100,000 studies without sending 100,000 files first. Run by
 * {@code bench/run-dicomweb.sh --archive ...}:
 * <pre>
 * java -cp storage/target/test-classes:storage/target/classes:$(cat storage/target/cp.txt) \
 *      org.huizhen.storage.bench.ArchiveSeeder DATA_DIR STUDIES PART10_FILE [INSTITUTION]
 * </pre>
 * The hub's layout is used as the hub opens it: the embedded H2 index in {@code DATA_DIR/index}
 * (schema by the index's own migrations) and the blob store in {@code DATA_DIR/blobs}. Every row
 * is written through {@link JdbcMetadataIndex#storeAll} in transactions of 1,000, as the hub's
 * background indexer writes them; one real Part 10 file is stored once as the blob of every
 * seeded instance (so the hub's start-up integrity check finds every blob present), which is
 * why a WADO-RS retrieval of a seeded instance would return that file, not the seeded UIDs.
 *
 * <p>The rules (the benchmark computes its expected QIDO-RS answers from the same rules, in
 * {@code DicomWebBenchmark.Archive}): study {@code s} (0 ≤ s &lt; N) belongs to patient
 * {@code p = s / 2}, Patient ID {@code ARC<p>}, Patient's Name {@code Q<abc>^P<p>} where
 * {@code <abc>} is {@code p mod 17576} written with three letters A–Z (most significant first),
 * so a name prefix {@code Q<abc>*} matches every 17,576th patient; Study Date 2016-01-01 plus
 * {@code (s × 7919) mod 3650} days (ten years, every day about equally often); one series of
 * modality {@code CT, MR, DX, US, CR}[s mod 5] with one instance; Accession Number
 * {@code ARCACC<s>}; UIDs {@code 1.2.826.0.1.3680043.10.998.{1,2,3}.<s>}; all of institution
 * INSTITUTION (default {@code demo}, the institution of the hub's demo mode).
 *
 * <p>Single-threaded; the data directory must not be in use by a running hub.
 */
public final class ArchiveSeeder {

    static final String ROOT = "1.2.826.0.1.3680043.10.998.";
    static final String[] MODALITIES = {"CT", "MR", "DX", "US", "CR"};
    static final LocalDate FIRST_DAY = LocalDate.of(2016, 1, 1);
    private static final int BATCH = 1000;

    private ArchiveSeeder() {
    }

    /** The three letters of patient {@code p}'s family name after the "Q". */
    static String letters(int p) {
        int k = p % 17_576;
        return "" + (char) ('A' + k / 676) + (char) ('A' + k / 26 % 26) + (char) ('A' + k % 26);
    }

    static LocalDate studyDate(int s) {
        return FIRST_DAY.plusDays((s * 7919L) % 3650);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ArchiveSeeder DATA_DIR STUDIES PART10_FILE [INSTITUTION]");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        int studies = Integer.parseInt(args[1]);
        Path part10 = Path.of(args[2]);
        String institution = args.length > 3 ? args[3] : "demo";
        long t0 = System.nanoTime();
        BlobId blob;
        long size;
        try (FileSystemBlobStore blobs = new FileSystemBlobStore(data.resolve("blobs"), Durability.FSYNC);
             BlobWriter w = blobs.create(); InputStream in = Files.newInputStream(part10)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                w.write(buf, 0, n);
            }
            size = w.size();
            blob = w.commit();
        }
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(data.resolve("index")),
                Durability.FSYNC)) {
            Instant now = Instant.now();
            List<InstanceRecord> batch = new ArrayList<>(BATCH);
            for (int s = 0; s < studies; s++) {
                batch.add(record(s, institution, blob, size, now));
                if (batch.size() == BATCH || s == studies - 1) {
                    index.storeAll(batch);
                    batch.clear();
                }
            }
            System.out.printf(Locale.ROOT, "seeded %,d studies (one series, one instance each) into %s in %.1f s;"
                    + " index counts %,d instances%n", studies, data, (System.nanoTime() - t0) / 1e9,
                    index.instanceCount());
        }
    }

    static InstanceRecord record(int s, String institution, BlobId blob, long size, Instant at) {
        int p = s / 2;
        String name = "Q" + letters(p) + "^P" + p;
        return new InstanceRecord(new Origin(institution, Protocol.CLI, null, null, null, at),
                new PatientData("ARC" + p, null, new PatientName(name, name, null, null),
                        LocalDate.of(1940 + p % 70, 1 + p % 12, 1 + p % 28), p % 2 == 0 ? "F" : "M"),
                new StudyData(ROOT + "1." + s, studyDate(s), LocalTime.of(8 + s % 10, s % 60), "ARCACC" + s,
                        Integer.toString(s % 100_000), "seeded study " + s, null),
                new SeriesData(ROOT + "2." + s, MODALITIES[s % 5], 1, null, null),
                new InstanceData(ROOT + "3." + s, "1.2.840.10008.5.1.4.1.1.2", 1, "1.2.840.10008.1.2.1",
                        "ISO_IR 192", blob, size, blob.hex()));
    }
}
