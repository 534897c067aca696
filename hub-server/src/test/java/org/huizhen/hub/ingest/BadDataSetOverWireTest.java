package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropScu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Data sets a conformant SCU would never send, over a real association: the hub answers with a
 * failure status and an Error Comment (PS3.4 B.2.3), stores and indexes nothing, leaves no blob
 * behind, and keeps serving.
 */
class BadDataSetOverWireTest {
    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
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

    /** Bytes that are no Explicit VR Little Endian data set, each broken in its own way. */
    static Stream<Arguments> garbage() throws Exception {
        byte[] text = "This is not a DICOM data set at all, only text!!".getBytes(StandardCharsets.US_ASCII);
        // a well-formed header of (0010,0010) PN claiming 0xFFF0 bytes, followed by only 8
        byte[] overrun = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x0010)
                .putShort((short) 0x0010).put((byte) 'P').put((byte) 'N').putShort((short) 0xFFF0)
                .put("Doe^John".getBytes(StandardCharsets.US_ASCII)).array();
        byte[] jpeg = Files.readAllBytes(DcmtkTools.testdata().resolve("bad/bad-not-dicom-jpeg.dcm"));
        if ((jpeg.length & 1) == 1) {
            jpeg = java.util.Arrays.copyOf(jpeg, jpeg.length + 1); // PDVs carry even lengths (PS3.5 7.1)
        }
        return Stream.of(Arguments.of("text", text), Arguments.of("value length beyond the end", overrun),
                Arguments.of("a JPEG file", jpeg));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void garbageDataSetGetsCannotUnderstandAndNothingIsKept(String what, byte[] bytes) throws Exception {
        DimseResponse rsp = InteropScu.store("CLINIC", hub.dicomPort(), new InteropScu.Store(CT_IMAGE_STORAGE,
                "1.2.826.0.1.3680043.2.1143.4711", InteropScu.EXPLICIT_LE, DataSetSource.of(bytes))).get(0);

        // PS3.4 B.2.3: Error, Cannot understand is Cxxx
        assertThat(rsp.status().code() & 0xF000).as("%s: %s", what, rsp).isEqualTo(0xC000);
        assertThat(rsp.errorComment()).hasValueSatisfying(c -> assertThat(c).isNotBlank().hasSizeLessThanOrEqualTo(64));
        assertNothingKeptAndStillServing();
    }

    @Test
    void dataSetWhoseSopInstanceUidDiffersFromTheCommandGetsA900() throws Exception {
        Path ct = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        InteropScu.Store real = InteropScu.Store.of(ct);
        String otherUid = real.sopInstanceUid() + ".99";

        DimseResponse rsp = InteropScu.store("CLINIC", hub.dicomPort(),
                new InteropScu.Store(real.sopClassUid(), otherUid, real.transferSyntaxUid(), real.dataSet())).get(0);

        // PS3.4 B.2.3: Error, Data Set does not match SOP Class (A900)
        assertThat(rsp.status().code()).as(rsp.toString()).isEqualTo(0xA900);
        assertThat(rsp.errorComment()).hasValueSatisfying(c -> assertThat(c).contains("SOP Instance UID"));
        assertThat(hub.index().findInstance(otherUid)).isEmpty();
        assertThat(hub.index().findInstance(InteropFiles.read(ct).sopInstanceUid())).isEmpty();
        assertNothingKeptAndStillServing();
    }

    private void assertNothingKeptAndStillServing() throws Exception {
        assertThat(hub.index().instanceCount()).isZero();
        assertThat(InteropFiles.countFiles(setup.blobDir())).as("files left under the blob store").isZero();
        assertThat(InteropScu.echo("CLINIC", hub.dicomPort()).status().code()).isZero();
        // and the next good instance is stored normally
        Path ct = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        assertThat(InteropScu.store("CLINIC", hub.dicomPort(), InteropScu.Store.of(ct)).get(0).status().code()).isZero();
        assertThat(hub.index().instanceCount()).isEqualTo(1);
    }
}
