package org.huizhen.dicom.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rendering pipeline on small synthetic images whose expected output follows from the
 * standard by hand: stored-value decoding (Bits Stored, High Bit, sign), Modality rescale, the
 * window, MONOCHROME1 inversion, colour layouts, frame selection, bulk data read per frame,
 * viewport and the encoders; and the errors for what it cannot render.
 */
class FrameRendererTest {

    private static final TransferSyntax LE = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;

    @TempDir
    Path dir;

    private static DataSet.Builder grey(int rows, int columns, int bitsAllocated, int bitsStored, boolean signed,
                                        String photometric) {
        return DataSet.builder()
                .setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7")
                .setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.1.1")
                .setInt(Tag.SamplesPerPixel, VR.US, 1)
                .setString(Tag.PhotometricInterpretation, VR.CS, photometric)
                .setInt(Tag.Rows, VR.US, rows)
                .setInt(Tag.Columns, VR.US, columns)
                .setInt(Tag.BitsAllocated, VR.US, bitsAllocated)
                .setInt(Tag.BitsStored, VR.US, bitsStored)
                .setInt(Tag.HighBit, VR.US, bitsStored - 1)
                .setInt(Tag.PixelRepresentation, VR.US, signed ? 1 : 0);
    }

    private static byte[] words(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static int grey(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void signExtendsTwelveBitStoredValues() throws Exception {
        // 12 bits stored, signed: 0x0FFF is -1, 0x0800 is -2048, 0x07FF is +2047; bits above
        // the High Bit (here 0xF000 set in the first word) are not part of the value (PS3.5 8.1.1).
        DataSet ds = grey(1, 3, 16, 12, true, "MONOCHROME2")
                .setBytes(Tag.PixelData, VR.OW, words(0xFFFF, 0x0800, 0x07FF)).build();
        // LINEAR_EXACT window over [-2048, 2048]: y = ((x - 0) / 4096 + 0.5) * 255
        BufferedImage img = FrameRenderer.render(ds, LE, 1,
                RenderOptions.DEFAULT.withWindow(new Window(0, 4096, VoiFunction.LINEAR_EXACT)));
        assertThat(grey(img, 0, 0)).isEqualTo((int) Math.round((-1 / 4096.0 + 0.5) * 255));   // 127
        assertThat(grey(img, 1, 0)).isZero();                                                   // -2048
        assertThat(grey(img, 2, 0)).isEqualTo((int) Math.round((2047 / 4096.0 + 0.5) * 255)); // 255
    }

    @Test
    void appliesRescaleBeforeTheWindow() throws Exception {
        // stored 1000 with slope 2, intercept -1024 is 976 HU; window 976 +- 50 puts it half way
        DataSet ds = grey(1, 2, 16, 16, false, "MONOCHROME2")
                .setString(Tag.RescaleSlope, VR.DS, "2").setString(Tag.RescaleIntercept, VR.DS, "-1024")
                .setBytes(Tag.PixelData, VR.OW, words(1000, 0)).build();
        BufferedImage img = FrameRenderer.render(ds, LE, 1,
                RenderOptions.DEFAULT.withWindow(new Window(976, 100, VoiFunction.LINEAR_EXACT)));
        assertThat(grey(img, 0, 0)).isEqualTo(128); // round(0.5 * 255)
        assertThat(grey(img, 1, 0)).isZero();       // -1024 HU, far below the window
    }

    @Test
    void usesTheDataSetWindowUnlessOneIsGivenAndMinMaxWithoutAny() throws Exception {
        DataSet.Builder b = grey(1, 3, 8, 8, false, "MONOCHROME2").setBytes(Tag.PixelData, VR.OB, new byte[] {10, 20, 30});
        // no window anywhere: min 10 -> 0, max 30 -> 255, 20 -> half way
        BufferedImage minMax = FrameRenderer.render(b.build(), LE, 1, RenderOptions.DEFAULT);
        assertThat(new int[] {grey(minMax, 0, 0), grey(minMax, 1, 0), grey(minMax, 2, 0)}).containsExactly(0, 128, 255);
        // the data set's window 20/1 (threshold): <= 19.5 black, above white
        DataSet windowed = b.setString(Tag.WindowCenter, VR.DS, "20").setString(Tag.WindowWidth, VR.DS, "1").build();
        BufferedImage own = FrameRenderer.render(windowed, LE, 1, RenderOptions.DEFAULT);
        assertThat(new int[] {grey(own, 0, 0), grey(own, 1, 0), grey(own, 2, 0)}).containsExactly(0, 255, 255);
        // a given window wins over the data set's
        BufferedImage given = FrameRenderer.render(windowed, LE, 1,
                RenderOptions.DEFAULT.withWindow(new Window(20, 20, VoiFunction.LINEAR_EXACT)));
        assertThat(new int[] {grey(given, 0, 0), grey(given, 1, 0), grey(given, 2, 0)}).containsExactly(0, 128, 255);
    }

    @Test
    void monochromeOneIsTheInverseOfMonochromeTwo() throws Exception {
        byte[] pixels = words(0, 100, 200, 300);
        BufferedImage two = FrameRenderer.render(grey(2, 2, 16, 16, false, "MONOCHROME2")
                .setBytes(Tag.PixelData, VR.OW, pixels).build(), LE, 1, RenderOptions.DEFAULT);
        BufferedImage one = FrameRenderer.render(grey(2, 2, 16, 16, false, "MONOCHROME1")
                .setBytes(Tag.PixelData, VR.OW, pixels).build(), LE, 1, RenderOptions.DEFAULT);
        for (int i = 0; i < 4; i++) {
            assertThat(grey(one, i % 2, i / 2) + grey(two, i % 2, i / 2)).isEqualTo(255);
        }
    }

    private static DataSet colour(String photometric, int planar, byte[] pixels, int rows, int columns) {
        return DataSet.builder()
                .setInt(Tag.SamplesPerPixel, VR.US, 3).setString(Tag.PhotometricInterpretation, VR.CS, photometric)
                .setInt(Tag.PlanarConfiguration, VR.US, planar)
                .setInt(Tag.Rows, VR.US, rows).setInt(Tag.Columns, VR.US, columns)
                .setInt(Tag.BitsAllocated, VR.US, 8).setInt(Tag.BitsStored, VR.US, 8).setInt(Tag.HighBit, VR.US, 7)
                .setInt(Tag.PixelRepresentation, VR.US, 0).setBytes(Tag.PixelData, VR.OB, pixels).build();
    }

    @Test
    void readsRgbByPixelAndByPlaneAlike() throws Exception {
        // two pixels, red (255,0,0) and teal (0,128,128)
        byte[] byPixel = {(byte) 255, 0, 0, 0, (byte) 128, (byte) 128};
        byte[] byPlane = {(byte) 255, 0, 0, (byte) 128, 0, (byte) 128};
        BufferedImage a = FrameRenderer.render(colour("RGB", 0, byPixel, 1, 2), LE, 1, RenderOptions.DEFAULT);
        BufferedImage b = FrameRenderer.render(colour("RGB", 1, byPlane, 1, 2), LE, 1, RenderOptions.DEFAULT);
        assertThat(a.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(a.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x008080);
        assertThat(b.getRGB(0, 0)).isEqualTo(a.getRGB(0, 0));
        assertThat(b.getRGB(1, 0)).isEqualTo(a.getRGB(1, 0));
    }

    @Test
    void convertsYbrFullAndYbrFull422ToRgb() throws Exception {
        // PS3.3 C.7.6.3.1.2: Y = .299R + .587G + .114B, Cb/Cr centred on 128. White is (255,128,128),
        // black (0,128,128); pure red is Y 76, Cb 85, Cr 255 (rounded), back to about (255,0,0).
        byte[] full = {(byte) 255, (byte) 128, (byte) 128, 0, (byte) 128, (byte) 128, 76, 85, (byte) 255, 76, 85, (byte) 255};
        BufferedImage img = FrameRenderer.render(colour("YBR_FULL", 0, full, 2, 2), LE, 1, RenderOptions.DEFAULT);
        assertThat(img.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(img.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x000000);
        int red = img.getRGB(0, 1);
        assertThat((red >> 16) & 0xFF).isGreaterThanOrEqualTo(253);
        assertThat((red >> 8) & 0xFF).isLessThanOrEqualTo(2);
        assertThat(red & 0xFF).isLessThanOrEqualTo(2);
        // 4:2:2 keeps Y1 Y2 Cb Cr per pixel pair: white then black share neutral chroma
        byte[] ybr422 = {(byte) 255, 0, (byte) 128, (byte) 128};
        BufferedImage half = FrameRenderer.render(colour("YBR_FULL_422", 0, ybr422, 1, 2), LE, 1, RenderOptions.DEFAULT);
        assertThat(half.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(half.getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x000000);
    }

    @Test
    void picksTheRequestedFrameAndRejectsFramesOutOfRange() throws Exception {
        // three 1x2 frames with values (f, 10f): each frame's min/max rendering is 0 then 255,
        // so tell frames apart with a fixed window over 0..30
        DataSet ds = grey(1, 2, 16, 16, false, "MONOCHROME2").setString(Tag.NumberOfFrames, VR.IS, "3")
                .setBytes(Tag.PixelData, VR.OW, words(1, 10, 2, 20, 3, 30)).build();
        Window w = new Window(15, 30, VoiFunction.LINEAR_EXACT);
        for (int f = 1; f <= 3; f++) {
            BufferedImage img = FrameRenderer.render(ds, LE, f, RenderOptions.DEFAULT.withWindow(w));
            assertThat(grey(img, 1, 0)).isEqualTo((int) Math.round(10.0 * f / 30 * 255));
        }
        for (int bad : new int[] {0, 4}) {
            assertThatThrownBy(() -> FrameRenderer.render(ds, LE, bad, RenderOptions.DEFAULT))
                    .isInstanceOfSatisfying(ImageException.class,
                            e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.NO_SUCH_FRAME))
                    .hasMessageStartingWith("HZ-5504");
        }
    }

    @Test
    void readsRescaleAndWindowFromTheFunctionalGroups() throws Exception {
        // Enhanced objects (PS3.3 C.7.6.16): rescale shared by all frames (slope 1, intercept
        // -1000), window per frame: frame 1 centred on -1000 (stored 0 is half way, 128),
        // frame 2 centred on 0 (stored 0 = -1000 is far below, black).
        DataSet shared = DataSet.builder().setSequence(Tag.PixelValueTransformationSequence, java.util.List.of(
                DataSet.builder().setString(Tag.RescaleSlope, VR.DS, "1").setString(Tag.RescaleIntercept, VR.DS, "-1000")
                        .build())).build();
        java.util.List<DataSet> perFrame = java.util.List.of(
                DataSet.builder().setSequence(Tag.FrameVOILUTSequence, java.util.List.of(DataSet.builder()
                        .setString(Tag.WindowCenter, VR.DS, "-1000").setString(Tag.WindowWidth, VR.DS, "100")
                        .setString(Tag.VOILUTFunction, VR.CS, "LINEAR_EXACT").build())).build(),
                DataSet.builder().setSequence(Tag.FrameVOILUTSequence, java.util.List.of(DataSet.builder()
                        .setString(Tag.WindowCenter, VR.DS, "0").setString(Tag.WindowWidth, VR.DS, "100").build())).build());
        DataSet ds = grey(1, 2, 16, 16, false, "MONOCHROME2").setString(Tag.NumberOfFrames, VR.IS, "2")
                .setSequence(Tag.SharedFunctionalGroupsSequence, java.util.List.of(shared))
                .setSequence(Tag.PerFrameFunctionalGroupsSequence, perFrame)
                .setBytes(Tag.PixelData, VR.OW, words(0, 2000, 0, 2000)).build();
        BufferedImage first = FrameRenderer.render(ds, LE, 1, RenderOptions.DEFAULT);
        BufferedImage second = FrameRenderer.render(ds, LE, 2, RenderOptions.DEFAULT);
        assertThat(grey(first, 0, 0)).isEqualTo(128);
        assertThat(grey(second, 0, 0)).isZero();
        assertThat(grey(second, 1, 0)).isEqualTo(255); // 2000 - 1000 = 1000, far above
    }

    @ParameterizedTest
    @EnumSource(value = Endian.class)
    void readsOneFrameOfBulkDataFromTheFile(Endian endian) throws Exception {
        // 12 frames of 64 x 64 16-bit: frame f holds value 100 f + x, written as Part 10 and read
        // back with Pixel Data left in the file (a BulkData reference, byte-swapped for Big Endian).
        int frames = 12;
        int[] values = new int[frames * 64 * 64];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 * (i / 4096 + 1) + (i % 64);
        }
        DataSet ds = grey(64, 64, 16, 16, false, "MONOCHROME2").setString(Tag.NumberOfFrames, VR.IS, "12")
                .setBytes(Tag.PixelData, VR.OW, words(values)).build();
        Path file = dir.resolve("multi-" + endian + ".dcm");
        Part10.write(file, ds, endian.ts, "TEST", WriteOptions.DEFAULT);
        Part10File read = FrameRenderer.open(file);
        assertThat(read.dataSet().getBulkData(Tag.PixelData)).as("pixel data left in the file").isPresent();
        assertThat(read.dataSet().getBulkData(Tag.PixelData).map(BulkData::bigEndian)).contains(endian == Endian.BIG);

        Window w = new Window(700, 1400, VoiFunction.LINEAR_EXACT);
        for (int f : new int[] {1, 7, 12}) {
            BufferedImage fromFile = FrameRenderer.render(read, f, RenderOptions.DEFAULT.withWindow(w));
            BufferedImage inline = FrameRenderer.render(ds, LE, f, RenderOptions.DEFAULT.withWindow(w));
            assertThat(ImageTestSupport.compare(fromFile, inline).max()).isZero();
            // pixel (x=10) of frame f is 100 f + 10: y = ((100 f + 10 - 700) / 1400 + 0.5) * 255
            assertThat(grey(fromFile, 10, 0)).isEqualTo((int) Math.round(((100.0 * f + 10 - 700) / 1400 + 0.5) * 255));
        }
    }

    enum Endian {
        LITTLE(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), BIG(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN);

        final TransferSyntax ts;

        Endian(TransferSyntax ts) {
            this.ts = ts;
        }
    }

    @Test
    void reportsPixelDataShorterThanTheFrame() {
        DataSet ds = grey(4, 4, 16, 16, false, "MONOCHROME2").setBytes(Tag.PixelData, VR.OW, words(1, 2, 3)).build();
        assertThatThrownBy(() -> FrameRenderer.render(ds, LE, 1, RenderOptions.DEFAULT))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.MALFORMED_PIXEL_DATA))
                .hasMessageStartingWith("HZ-5503");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 12, 64})
    void rejectsBitsAllocatedItDoesNotRender(int bitsAllocated) {
        DataSet ds = grey(8, 8, bitsAllocated, 1, false, "MONOCHROME2")
                .setBytes(Tag.PixelData, VR.OB, new byte[8]).build();
        assertThatThrownBy(() -> FrameRenderer.render(ds, LE, 1, RenderOptions.DEFAULT))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT))
                .hasMessageContaining("Bits Allocated " + bitsAllocated);
    }

    @Test
    void namesTheTransferSyntaxItCannotDecode() {
        DataSet ds = grey(8, 8, 8, 8, false, "MONOCHROME2").setBytes(Tag.PixelData, VR.OB, new byte[64]).build();
        assertThatThrownBy(() -> FrameRenderer.render(ds, TransferSyntax.RLE_LOSSLESS, 1, RenderOptions.DEFAULT))
                .isInstanceOfSatisfying(UnsupportedTransferSyntaxException.class,
                        e -> assertThat(e.transferSyntax()).isEqualTo(TransferSyntax.RLE_LOSSLESS))
                .hasMessageStartingWith("HZ-5501").hasMessageContaining("1.2.840.10008.1.2.5");
    }

    @Test
    void saysWhenThereIsNoImage() {
        DataSet ds = DataSet.builder().setString(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.88.11").build();
        assertThatThrownBy(() -> FrameRenderer.render(ds, LE, 1, RenderOptions.DEFAULT))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.NOT_AN_IMAGE));
    }

    @Test
    void fitsTheViewportKeepingTheAspectRatio() throws Exception {
        // CT_small is 128 x 128: into 64 x 32 it becomes 32 x 32; into 300 x 200, 200 x 200
        Path ct = ImageTestSupport.file("dicom/CT_small.dcm");
        BufferedImage small = FrameRenderer.render(ct, 1, RenderOptions.DEFAULT.withViewport(new Viewport(64, 32)));
        assertThat(new int[] {small.getWidth(), small.getHeight()}).containsExactly(32, 32);
        BufferedImage big = FrameRenderer.render(ct, 1, RenderOptions.DEFAULT.withViewport(new Viewport(300, 200)));
        assertThat(new int[] {big.getWidth(), big.getHeight()}).containsExactly(200, 200);
        assertThat(ImageTestSupport.variance(small)).isPositive();
        // the palette US image is 800 x 350 (wide): 128 x 128 gives 128 x 56
        BufferedImage wide = FrameRenderer.render(ImageTestSupport.file("dicom/examples_palette.dcm"), 1,
                RenderOptions.DEFAULT.withViewport(new Viewport(128, 128)));
        assertThat(new int[] {wide.getWidth(), wide.getHeight()}).containsExactly(128, 56);
    }

    @Test
    void encodesPngLosslesslyAndJpegCloseToTheRendering() throws Exception {
        BufferedImage img = FrameRenderer.render(ImageTestSupport.file("dicom/SC_rgb_jpeg_dcmtk.dcm"), 1, RenderOptions.DEFAULT);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ImageEncoder.encode(img, ImageEncoder.Format.PNG, 90)));
        assertThat(ImageTestSupport.compare(img, png).max()).isZero();

        byte[] high = ImageEncoder.encode(img, ImageEncoder.Format.JPEG, 95);
        byte[] low = ImageEncoder.encode(img, ImageEncoder.Format.JPEG, 10);
        assertThat(low.length).as("lower quality, fewer bytes").isLessThan(high.length);
        BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(high));
        assertThat(ImageTestSupport.compare(img, jpeg).meanAbs()).isLessThan(3.0);
        assertThatThrownBy(() -> ImageEncoder.encode(img, ImageEncoder.Format.JPEG, 0)).hasMessageStartingWith("HZ-5512");
        assertThat(ImageEncoder.Format.ofMediaType("image/png; q=0.5")).contains(ImageEncoder.Format.PNG);
        assertThat(ImageEncoder.Format.ofMediaType("image/gif")).isEmpty();
    }
}
