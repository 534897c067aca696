package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.Durability;
import org.huizhen.storage.RecoveryReport;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability rule, checked for real: a child JVM ({@link CrashWriter}) ingests into an H2
 * index and a file blob store and acknowledges each instance on stdout; this test kills it with
 * SIGKILL ({@link Process#destroyForcibly()}) in the middle of its run, reopens both stores and
 * requires every acknowledged instance (row and bytes) to be there. SIGKILL skips every
 * shutdown hook, so only what was in the files when {@code store} returned can survive.
 */
class IndexCrashDurabilityTest {

    private static final Pattern ACK = Pattern.compile("ACK (\\S+) ([0-9a-f]{64}) \\.");
    private static final int ACKS_BEFORE_KILL = 60;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedInstanceSurvivesSigkill() throws Exception {
        Path stderr = dir.resolve("child-stderr.txt");
        Path data = dir.resolve("data");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), data.toString());
        pb.redirectError(stderr.toFile());
        Process child = pb.start();

        Map<String, BlobId> acknowledged = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = ACK.matcher(line);
                if (m.matches()) {
                    acknowledged.put(m.group(1), BlobId.parse(m.group(2)));
                }
                if (acknowledged.size() == ACKS_BEFORE_KILL) {
                    // SIGKILL while it is storing the next instances. Through the handle, so that the
                    // pipe stays open and acknowledgements already written are still read below
                    // (Process.destroyForcibly would also close our end of stdout).
                    assertThat(child.toHandle().destroyForcibly()).isTrue();
                }
            }
        }
        child.waitFor();
        assertThat(acknowledged)
                .as("child must have acknowledged before the kill; its stderr:%n%s", Files.readString(stderr))
                .hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
        assertThat(child.exitValue()).as("killed by SIGKILL, not a clean exit").isNotZero();

        try (FileSystemBlobStore blobs = new FileSystemBlobStore(data.resolve("blobs"), Durability.FSYNC)) {
            RecoveryReport recovery = blobs.recover();
            assertThat(recovery.tempFilesDeleted()).as("the write kept open by the child").isPositive();
            try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(data.resolve("index")))) {
                for (Map.Entry<String, BlobId> ack : acknowledged.entrySet()) {
                    StoredInstance stored = index.findInstance(ack.getKey())
                            .orElseThrow(() -> new AssertionError("acknowledged but lost: " + ack.getKey()));
                    assertThat(stored.blobId()).isEqualTo(ack.getValue());
                    assertThat(sha256(blobs.open(ack.getValue()))).isEqualTo(ack.getValue().hex());
                }
                assertThat(index.instanceCount()).isGreaterThanOrEqualTo(acknowledged.size());
                // Rows stored but not yet acknowledged may exist; their blobs were committed first.
                assertThat(index.verifyBlobs(blobs).clean()).isTrue();
            }
        }
    }

    private static String sha256(InputStream in) throws Exception {
        try (in) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }
}
