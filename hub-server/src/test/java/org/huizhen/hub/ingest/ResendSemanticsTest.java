package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkDump;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropScu;
import org.huizhen.storage.index.InstanceVersion;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance sent again: unchanged it is a duplicate (answered Success, stored once); with
 * different content under the same SOP Instance UID it becomes a new version and the old one is
 * kept (DESIGN.md: nothing acknowledged is ever lost, a newer version supersedes).
 */
class ResendSemanticsTest {
    @TempDir
    Path tmp;
    private InteropHub setup;
    private Hub hub;

    @BeforeEach
    void startHub() throws Exception {
        setup = InteropHub.in(tmp.resolve("hub"));
        hub = setup.start();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private static Path ctSmall() {
        return DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
    }

    @Test
    void sameFileTwiceIsOneInstanceAndBothAreAnsweredSuccess() throws Exception {
        List<DimseResponse> rsps = InteropScu.store("CLINIC", hub.dicomPort(),
                InteropScu.Store.of(ctSmall()), InteropScu.Store.of(ctSmall()));

        assertThat(rsps).extracting(r -> r.status().code()).containsExactly(0x0000, 0x0000);
        String uid = InteropFiles.read(ctSmall()).sopInstanceUid();
        assertThat(hub.index().instanceCount()).isEqualTo(1);
        assertThat(hub.index().versionsOf(uid)).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.current()).isTrue();
        });
        // content-addressed: the second copy went to the same blob, no second file
        assertThat(InteropFiles.countFiles(setup.blobDir())).isEqualTo(1);
        // and a second association sending it once more changes nothing either
        assertThat(InteropScu.store("CLINIC", hub.dicomPort(), InteropScu.Store.of(ctSmall())))
                .extracting(r -> r.status().code()).containsExactly(0x0000);
        assertThat(hub.index().versionsOf(uid)).hasSize(1);
    }

    @Test
    void changedContentUnderTheSameUidBecomesVersionTwoAndVersionOneIsKept() throws Exception {
        DcmtkTools.requireTool("dcmodify");
        Path changed = tmp.resolve("CT_small-changed.dcm");
        Files.copy(ctSmall(), changed);
        DcmtkTools.Run mod = DcmtkTools.run(List.of("dcmodify", "-nb", "-m", "(0008,1030)=Re-read after review",
                changed.toString()), 30);
        assertThat(mod.exitCode()).as(mod.output()).isZero();
        InteropFiles.Part10 original = InteropFiles.read(ctSmall());
        InteropFiles.Part10 modified = InteropFiles.read(changed);
        assertThat(modified.sopInstanceUid()).isEqualTo(original.sopInstanceUid());
        assertThat(modified.dataSetDigest()).isNotEqualTo(original.dataSetDigest());
        assertThat(DcmtkDump.of(changed, false).get("StudyDescription")).contains("Re-read after review");

        List<DimseResponse> rsps = InteropScu.store("CLINIC", hub.dicomPort(),
                InteropScu.Store.of(ctSmall()), InteropScu.Store.of(changed));

        assertThat(rsps).extracting(r -> r.status().code()).containsExactly(0x0000, 0x0000);
        String uid = original.sopInstanceUid();
        assertThat(hub.index().instanceCount()).isEqualTo(1);
        List<InstanceVersion> versions = hub.index().versionsOf(uid);
        assertThat(versions).extracting(InstanceVersion::version).containsExactly(1, 2);
        assertThat(versions.get(0).current()).isFalse();
        assertThat(versions.get(0).supersededAt()).isNotNull();
        assertThat(versions.get(1).current()).isTrue();
        assertThat(InteropFiles.read(hub.blobs(), versions.get(0).blobId()).dataSetDigest()).isEqualTo(original.dataSetDigest());
        assertThat(InteropFiles.read(hub.blobs(), versions.get(1).blobId()).dataSetDigest()).isEqualTo(modified.dataSetDigest());
        StoredInstance current = hub.index().findInstance(uid).orElseThrow();
        assertThat(current.version()).isEqualTo(2);
        assertThat(current.blobId()).isEqualTo(versions.get(1).blobId());
        assertThat(hub.index().versionEventsOf(uid)).hasSize(1);
    }
}
