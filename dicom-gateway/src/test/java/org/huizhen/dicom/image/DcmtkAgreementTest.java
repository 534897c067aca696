package org.huizhen.dicom.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The renderer agrees with DCMTK's {@code dcmj2pnm} (an independent implementation of the same
 * PS3.3 pipeline) on real files of every supported kind, with the same window and frame: grey
 * CT/MR (signed, rescaled, three byte orders), MONOCHROME1 CR, Enhanced MR frames, RGB planar,
 * PALETTE COLOR, and JPEG Baseline in RGB and YBR_FULL_422.
 */
class DcmtkAgreementTest {

    @TempDir
    Path dir;

    static Stream<Arguments> cases() {
        return Stream.of(
                // file, frame, our window (null = the data set's / min-max), dcmj2pnm window arguments
                Arguments.of("dicom/CT_small.dcm", 1, "40,400", new String[] {"+Ww", "40", "400"}),
                Arguments.of("dicom/CT_small.dcm", 1, "-600,1500", new String[] {"+Ww", "-600", "1500"}),
                Arguments.of("dicom/MR_small.dcm", 1, null, new String[] {"+Wi", "1"}),
                Arguments.of("dicom/MR_small_bigendian.dcm", 1, "600,1600", new String[] {"+Ww", "600", "1600"}),
                Arguments.of("dicom/MR_small_implicit.dcm", 1, "600,1600", new String[] {"+Ww", "600", "1600"}),
                Arguments.of("dicom/emri_small.dcm", 3, "1000,2000", new String[] {"+Ww", "1000", "2000"}),
                Arguments.of("dicom/dicomdir-fileset/77654033/CR1/6154", 1, "2048,4096",
                        new String[] {"+Ww", "2048", "4096"}),
                Arguments.of("dicom/image_dfl.dcm", 1, "128,256", new String[] {"+Ww", "128", "256"}),
                Arguments.of("dicom/ExplVR_BigEnd.dcm", 1, null, new String[0]),
                Arguments.of("dicom/examples_palette.dcm", 1, null, new String[0]),
                Arguments.of("dicom/SC_rgb_jpeg_dcmtk.dcm", 1, null, new String[0]),
                Arguments.of("dicom/examples_ybr_color.dcm", 1, null, new String[0]),
                Arguments.of("dicom/examples_ybr_color.dcm", 15, null, new String[0]));
    }

    @ParameterizedTest(name = "{0} frame {1} window {2}")
    @MethodSource("cases")
    void rendersLikeDcmj2pnm(String file, int frame, String window, String[] dcmtkWindow) throws Exception {
        Path in = ImageTestSupport.file(file);
        RenderOptions options = window == null ? RenderOptions.DEFAULT : RenderOptions.DEFAULT.withWindow(Window.parse(window));
        BufferedImage ours = FrameRenderer.render(in, frame, options);
        BufferedImage theirs = ImageTestSupport.dcmj2pnm(in, frame, dir, dcmtkWindow);

        ImageTestSupport.Difference d = ImageTestSupport.compare(ours, theirs);
        // Same window formula, so grey values differ only by rounding (±1) and JPEG decoders by
        // their IDCT and chroma upsampling: a mean under 1 grey level, almost no sample off by more than 2.
        assertThat(d.meanAbs()).as("mean abs difference %s", d).isLessThanOrEqualTo(1.0);
        assertThat(d.fractionAbove2()).as("fraction of samples off by more than 2: %s", d).isLessThanOrEqualTo(0.01);
        assertThat(ImageTestSupport.variance(ours)).as("not blank").isPositive();
    }
}
