package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StowPart10Head} on real files split into chunks of every size from 1 to past the meta
 * group: the UIDs and the data-set bytes must not depend on where the chunks end. The
 * reference is {@link InteropFiles}, which walks the meta group independently.
 */
class StowPart10HeadTest {

    @ParameterizedTest
    @ValueSource(strings = {"dicom/CT_small.dcm", "dicom/image_dfl.dcm", "dicom/MR_small_bigendian.dcm",
            "ecg/waveform_ecg_DERIVED-deflated.dcm"})
    void findsTheMetaGroupWhereverTheChunksEnd(String name) throws Exception {
        Path file = DcmtkTools.testdata().resolve(name);
        byte[] all = Files.readAllBytes(file);
        InteropFiles.Part10 reference = InteropFiles.read(file);
        for (int size = 1; size <= reference.dataSetOffset() + 16; size++) {
            StowPart10Head head = new StowPart10Head();
            StowPart10Head.Complete complete = null;
            Buffer dataSet = Buffer.buffer();
            for (int at = 0; at < all.length; at += size) {
                Buffer chunk = Buffer.buffer().appendBytes(all, at, Math.min(size, all.length - at));
                if (complete != null) {
                    dataSet.appendBuffer(chunk);
                    continue;
                }
                StowPart10Head.Step step = head.feed(chunk);
                assertThat(step).as("chunk size %d", size).isNotInstanceOf(StowPart10Head.Invalid.class);
                if (step instanceof StowPart10Head.Complete c) {
                    complete = c;
                    dataSet.appendBuffer(c.dataSetStart());
                }
            }
            assertThat(complete).as("chunk size %d", size).isNotNull();
            assertThat(complete.sopClassUid()).isEqualTo(reference.sopClassUid());
            assertThat(complete.sopInstanceUid()).isEqualTo(reference.sopInstanceUid());
            assertThat(complete.transferSyntaxUid()).isEqualTo(reference.transferSyntaxUid());
            assertThat(dataSet.length()).as("chunk size %d", size).isEqualTo(all.length - (int) reference.dataSetOffset());
            assertThat(dataSet.getBytes()).isEqualTo(java.util.Arrays.copyOfRange(all, (int) reference.dataSetOffset(), all.length));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-not-dicom-plaintext.dcm", "bad-preamble-only.dcm", "bad-wrong-magic-MR_small.dcm",
            "bad-empty.dcm", "no_meta.dcm"})
    void rejectsWhatIsNoPart10File(String name) throws Exception {
        byte[] all = Files.readAllBytes(DcmtkTools.testdata().resolve("bad").resolve(name));
        StowPart10Head head = new StowPart10Head();
        StowPart10Head.Step step = all.length == 0 ? new StowPart10Head.NeedMore() : head.feed(Buffer.buffer(all));
        if (step instanceof StowPart10Head.NeedMore) {
            step = head.end();
        }
        assertThat(step).isInstanceOfSatisfying(StowPart10Head.Invalid.class,
                i -> assertThat(i.reason()).matches("HZ-564[1-6] .*"));
    }
}
