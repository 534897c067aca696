package org.huizhen.hub.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.LogCapture;
import org.huizhen.hub.testing.SourceInstances;
import org.huizhen.hub.testing.SourceInstances.Source;
import org.huizhen.hub.testing.StoppedHubData;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery of {@link Hub#start}: what an interrupted write leaves behind (a temp file
 * under {@code blobs/tmp}) is deleted before the hub listens, and an index row whose blob has
 * gone (which the ingest order should make impossible: blob first, row second) is reported as
 * {@code HZ-2900} and no longer served — not by the index, not by {@code export}.
 */
class StartupRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void interruptedWriteIsCleanedAndRowWithoutBlobIsReportedNotServed() throws Exception {
        Path template = Path.of(System.getProperty("hz.shared.testdata"), "dicom", "CT_small.dcm");
        List<Source> sources = SourceInstances.fromTemplate(template, dir.resolve("src"), 1, 1, 3);
        Path data = dir.resolve("data");
        try (Hub hub = Hub.start(InteropHub.durableConfig(data))) {
            CliRun store = CliRun.run("store", "--to", InteropHub.address(hub), dir.resolve("src").toString());
            assertThat(store.exitCode()).as(store.output()).isZero();
        }

        // An interrupted write: half an instance in a temp file, as a crash leaves it.
        byte[] half = Arrays.copyOf(Files.readAllBytes(sources.get(0).file()), 20_000);
        Path temp = Files.write(data.resolve("blobs").resolve("tmp").resolve("interrupted-write.part"), half);
        // A row whose blob is gone.
        Source lost = sources.get(1);
        try (StoppedHubData stored = StoppedHubData.open(data)) {
            StoredInstance si = stored.index().findInstance(lost.sopInstanceUid()).orElseThrow();
            Files.delete(stored.blobFile(si));
        }

        try (LogCapture log = LogCapture.of(Hub.class.getName());
             Hub hub = Hub.start(InteropHub.durableConfig(data))) {
            // recovery runs before start returns
            assertThat(temp).doesNotExist();
            assertThat(log.messages()).anyMatch(m -> m.contains("start-up recovery: removed 1 temporary file(s) (20000 bytes)"));
            // the integrity check runs in the background; it reports the row by its SOP Instance UID
            Optional<String> reported = log.await(m -> m.contains("HZ-2900"), Duration.ofSeconds(30));
            assertThat(reported).as("HZ-2900 logged; log so far: %s", log.messages()).isPresent();
            assertThat(reported.get()).startsWith("ERROR").contains("1 instance(s)").contains(lost.sopInstanceUid());

            assertThat(hub.index().findInstance(lost.sopInstanceUid())).as("row without blob is not served").isEmpty();
            assertThat(hub.index().instancesOfStudy(lost.studyUid())).extracting(StoredInstance::sopInstanceUid)
                    .containsExactlyInAnyOrder(sources.get(0).sopInstanceUid(), sources.get(2).sopInstanceUid());
            assertThat(hub.index().findInstance(sources.get(0).sopInstanceUid())).isPresent();
        }

        // export, too, skips the unavailable row: the other two come out, complete
        Path out = dir.resolve("out");
        CliRun export = CliRun.run("export", "--data", data.toString(), "--out", out.toString());
        assertThat(export.exitCode()).as(export.output()).isZero();
        assertThat(export.out()).contains("Exported 2 of 2 instance(s)");
        for (Source s : sources) {
            Path exported = out.resolve(s.studyUid()).resolve(s.seriesUid()).resolve(s.sopInstanceUid() + ".dcm");
            if (s == lost) {
                assertThat(exported).doesNotExist();
            } else {
                assertThat(SourceInstances.dataSetSha256(exported)).isEqualTo(s.dataSetSha256());
            }
        }
    }
}
