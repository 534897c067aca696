package org.huizhen.dicom.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.TransferSyntax;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shared DICOM file either renders (native pixel data, or 8-bit JPEG Baseline/Extended)
 * at its own size and not blank, on its first, middle and last frame, or fails with the error
 * that says why: {@link UnsupportedTransferSyntaxException} for the other compressed syntaxes,
 * UNSUPPORTED_PIXEL_FORMAT for 12-bit JPEG, NOT_AN_IMAGE without pixel data. The expectation is
 * derived from the file's header (transfer syntax, Bits Stored), not from the renderer.
 */
class SharedFilesRenderTest {

    static Stream<Path> files() {
        return ImageTestSupport.dicomFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void rendersOrExplainsWhyNot(Path file) throws Exception {
        Part10File f = FrameRenderer.open(file);
        DataSet ds = f.dataSet();
        TransferSyntax ts = f.transferSyntax();
        boolean hasPixels = ds.contains(Tag.PixelData);
        int bitsStored = ds.getInt(Tag.BitsStored).orElse(0);
        boolean jdkJpeg = ts.equals(TransferSyntax.JPEG_BASELINE) || ts.equals(TransferSyntax.JPEG_EXTENDED);

        if (!hasPixels) {
            assertThatThrownBy(() -> FrameRenderer.render(f, 1, RenderOptions.DEFAULT))
                    .isInstanceOfSatisfying(ImageException.class,
                            e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_AN_IMAGE))
                    .hasMessageStartingWith("HZ-5505");
        } else if (ts.encapsulated() && !jdkJpeg) {
            assertThatThrownBy(() -> FrameRenderer.render(f, 1, RenderOptions.DEFAULT))
                    .isInstanceOf(UnsupportedTransferSyntaxException.class)
                    .hasMessageStartingWith("HZ-5501").hasMessageContaining(ts.uid());
        } else if (jdkJpeg && bitsStored > 8) {
            assertThatThrownBy(() -> FrameRenderer.render(f, 1, RenderOptions.DEFAULT))
                    .isInstanceOfSatisfying(ImageException.class,
                            e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT))
                    .hasMessageContaining("12-bit");
        } else {
            int frames = ds.getInt(Tag.NumberOfFrames).orElse(1);
            Set<Integer> which = new LinkedHashSet<>(java.util.List.of(1, (frames + 1) / 2, frames));
            for (int frame : which) {
                BufferedImage img = FrameRenderer.render(f, frame, RenderOptions.DEFAULT);
                assertThat(img.getWidth()).isEqualTo(ds.getInt(Tag.Columns).orElseThrow());
                assertThat(img.getHeight()).isEqualTo(ds.getInt(Tag.Rows).orElseThrow());
                // Some downsized CTs are uniform in their own narrow window (dcmj2pnm +Wi 1 shows
                // them all white too), so "not blank" is checked over the frame's full range.
                BufferedImage full = FrameRenderer.render(f, frame, RenderOptions.DEFAULT.withMinMaxWindow());
                assertThat(ImageTestSupport.variance(full)).as("frame %d is not blank", frame).isPositive();
            }
        }
    }
}
