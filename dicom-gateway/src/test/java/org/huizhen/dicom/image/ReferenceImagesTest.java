package org.huizhen.dicom.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.InputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression guard: renderings that were checked by eye (and against dcmj2pnm in
 * {@link DcmtkAgreementTest}) are committed as PNGs under {@code image/reference/}; a change in
 * the pipeline that moves a pixel by more than a rounding step shows up here. JPEG-coded
 * sources may decode a level apart on another JDK build, hence the small tolerance.
 */
class ReferenceImagesTest {

    @ParameterizedTest(name = "{0} frame {1}")
    @CsvSource(nullValues = "-", value = {
            "CT_small.dcm, 1, '40,400', CT_small-w40-400.png",
            "MR_small.dcm, 1, -, MR_small.png",
            "examples_palette.dcm, 1, -, examples_palette.png",
            "examples_ybr_color.dcm, 15, -, examples_ybr_color-f15.png",
            "ExplVR_BigEnd.dcm, 1, -, ExplVR_BigEnd.png",
    })
    void rendersAsTheCommittedReference(String file, int frame, String window, String reference) throws Exception {
        RenderOptions o = window == null ? RenderOptions.DEFAULT : RenderOptions.DEFAULT.withWindow(Window.parse(window));
        BufferedImage ours = FrameRenderer.render(ImageTestSupport.file("dicom/" + file), frame, o);
        BufferedImage expected;
        try (InputStream in = getClass().getResourceAsStream("/image/reference/" + reference)) {
            assertThat(in).as("reference %s on the test class path", reference).isNotNull();
            expected = ImageIO.read(in);
        }
        ImageTestSupport.Difference d = ImageTestSupport.compare(ours, expected);
        assertThat(d.max()).as("%s", d).isLessThanOrEqualTo(2);
    }
}
