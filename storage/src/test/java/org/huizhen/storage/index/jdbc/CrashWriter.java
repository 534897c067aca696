package org.huizhen.storage.index.jdbc;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;

/**
 * Child process of {@link IndexCrashDurabilityTest}: ingests instances the way the hub does
 * (blob committed, then index row stored) into {@code args[0]} and prints
 * {@code ACK <sop-uid> <blob-id> .} after each {@code store} returned, until it is killed.
 * One blob write is kept open the whole time, so the kill always interrupts a write.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"), Durability.FSYNC);
        JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(dir.resolve("index")), Durability.FSYNC);
        BlobWriter interrupted = blobs.create();
        interrupted.write(new byte[4096], 0, 4096);
        String institution = "crash-clinic";
        String studyUid = TestRecords.uid();
        Random random = new Random();
        for (int i = 0; i < 1_000_000; i++) {
            String sop = TestRecords.uid();
            byte[] content = new byte[1024 + random.nextInt(16 * 1024)];
            random.nextBytes(content);
            BlobId id;
            try (BlobWriter writer = blobs.create()) {
                writer.write(content, 0, content.length);
                id = writer.commit();
            }
            InstanceRecord record = new InstanceRecord(TestRecords.origin(institution, Instant.now()),
                    TestRecords.patient("P-CRASH"), TestRecords.study(studyUid),
                    TestRecords.series(TestRecords.uid(), "CT", i),
                    new InstanceData(sop, TestRecords.CT_IMAGE, i, TestRecords.EXPLICIT_LE, null, id, content.length,
                            id.hex()));
            index.store(record);
            // One write call per line: the parent never reads half an acknowledgement.
            out.print("ACK " + sop + " " + id.hex() + " .\n");
            out.flush();
        }
    }
}
