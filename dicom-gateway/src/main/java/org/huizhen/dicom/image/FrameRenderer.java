package org.huizhen.dicom.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;

/**
 * Renders one frame of a DICOM image into an 8-bit {@link BufferedImage} for display: the
 * PS3.18 rendered resources (10.4.1.1.3) and thumbnails (8.3.5) are built on it.
 *
 * <p>Pipeline for monochrome images (PS3.3 C.11, PS3.4 N.2): stored values (Bits Stored, High
 * Bit, Pixel Representation) → Modality LUT as Rescale Slope/Intercept (C.11.1) → VOI window
 * (C.11.2.1.2; the caller's, else the data set's first Window Center/Width with its VOI LUT
 * Function, else the frame's min/max) → 0..255, inverted for MONOCHROME1. Enhanced
 * multi-frame objects give rescale and window per frame in their functional groups
 * (Pixel Value Transformation, Frame VOI LUT; PS3.3 C.7.6.16). PALETTE COLOR goes through its
 * Red/Green/Blue LUTs (C.7.6.3.1.5); RGB, YBR_FULL and YBR_FULL_422 (C.7.6.3.1.2) become RGB,
 * planar configuration 0 or 1.
 *
 * <p>Pixel data: native (Implicit/Explicit VR Little Endian, Big Endian, Deflated) with Bits
 * Allocated 8, 16 or 32, and encapsulated JPEG Baseline (Process 1) / Extended (Process 2 &amp; 4)
 * with 8-bit samples, decoded by the JDK's {@code javax.imageio} JPEG reader. Other compressed
 * syntaxes raise {@link UnsupportedTransferSyntaxException}. Not handled: Modality and VOI LUT
 * Sequences (the rescale and window attributes are used), 1-bit pixels, segmented palettes,
 * float pixel data.
 *
 * <p>Memory: only the requested frame is read. Read with bulk data references
 * ({@link #render(Path, int, RenderOptions)} does), the frame's bytes are read from the file at
 * their offset; a frame may hold at most {@value #MAX_FRAME_SAMPLES} samples.
 *
 * <p>Stateless; thread-safe. Every method does blocking file I/O: call it off event loops.
 */
public final class FrameRenderer {

    /** Largest frame rendered, in samples (rows x columns x samples per pixel): 48 Mi, e.g. 7000 x 7000 grey. */
    public static final long MAX_FRAME_SAMPLES = 48L << 20;

    private static final byte[] NO_BYTES = new byte[0];

    private FrameRenderer() {
    }

    /** Reads a Part 10 file's data set with Pixel Data left in the file, for {@link #render(Part10File, int, RenderOptions)}. */
    public static Part10File open(Path file) throws IOException {
        return Part10.read(file, ReadOptions.DEFAULT.withBulkDataReferences(ReadOptions.DEFAULT_BULK_DATA_THRESHOLD));
    }

    /**
     * Renders frame {@code frame} (1-based) of a Part 10 file.
     *
     * @throws IOException    the file cannot be read or parsed
     * @throws ImageException the frame cannot be rendered (kind and HZ-55xx code say why)
     */
    public static BufferedImage render(Path file, int frame, RenderOptions options) throws IOException, ImageException {
        return render(open(file), frame, options);
    }

    /** Renders frame {@code frame} (1-based) of a file already read (bulk data inline or referenced). */
    public static BufferedImage render(Part10File file, int frame, RenderOptions options)
            throws IOException, ImageException {
        return render(file.dataSet(), file.transferSyntax(), frame, options);
    }

    /**
     * Renders frame {@code frame} (1-based) of {@code ds}, whose pixel data are encoded in {@code ts}.
     *
     * @throws ImageException NO_SUCH_FRAME outside 1..Number of Frames, UNSUPPORTED_* for what
     *                        this class does not decode, MALFORMED_PIXEL_DATA when attributes and
     *                        data disagree, TOO_LARGE above {@link #MAX_FRAME_SAMPLES}
     */
    public static BufferedImage render(DataSet ds, TransferSyntax ts, int frame, RenderOptions options)
            throws IOException, ImageException {
        if (ds.contains(Tag.PixelData) && ts.encapsulated() && !jdkJpeg(ts)) {
            throw new UnsupportedTransferSyntaxException(ts);
        }
        PixelModule m = PixelModule.of(ds);
        if (frame < 1 || frame > m.numberOfFrames()) {
            throw new ImageException(ImageException.Kind.NO_SUCH_FRAME,
                    "frame " + frame + " does not exist: the image has " + m.numberOfFrames() + " frame(s)");
        }
        if (m.pixels() * m.samplesPerPixel() > MAX_FRAME_SAMPLES) {
            throw new ImageException(ImageException.Kind.TOO_LARGE, "a frame of " + m.columns() + " x " + m.rows()
                    + " x " + m.samplesPerPixel() + " samples is above the limit of " + MAX_FRAME_SAMPLES);
        }
        Samples s = ts.encapsulated() ? decodeJpeg(ds, ts, m, frame) : decodeNative(ds, m, frame);
        BufferedImage img;
        if (m.monochrome()) {
            img = renderMonochrome(ds, m, s, frame,
                    options.minMax() ? options.window() : options.window().or(() -> datasetWindow(ds, frame)));
        } else if (m.photometric().equals("PALETTE COLOR")) {
            img = renderPalette(ds, m, s);
        } else {
            img = renderColour(m, s);
        }
        return options.viewport().map(v -> scale(img, v)).orElse(img);
    }

    /** Number of Frames (0028,0008), 1 when absent. */
    public static int numberOfFrames(DataSet ds) throws ImageException {
        return PixelModule.of(ds).numberOfFrames();
    }

    /**
     * Decoded samples of one frame, colour-by-pixel.
     *
     * @param values    stored values (Bits Stored applied, sign-extended) or 8-bit colour components
     * @param ycbcr     true when 3-sample values are Y, Cb, Cr (PS3.3 C.7.6.3.1.2) still to be converted
     * @param bitsStored significant bits of {@code values}
     */
    private record Samples(int[] values, boolean ycbcr, int bitsStored) {
    }

    // ------------------------------------------------------------------ native pixel data

    private static Samples decodeNative(DataSet ds, PixelModule m, int frame) throws IOException, ImageException {
        long len = m.nativeFrameLength();
        byte[] b = nativeFrameBytes(ds, m, frame, len);
        int bytesPerSample = m.bitsAllocated() / 8;
        int count = (int) (len / bytesPerSample);
        int[] raw = new int[count];
        for (int i = 0, p = 0; i < count; i++, p += bytesPerSample) {
            raw[i] = switch (bytesPerSample) {
                case 1 -> b[p] & 0xFF;
                case 2 -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
                default -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
            };
        }
        int[] values = storedValues(raw, m.bitsStored(), m.highBit(), m.signed() && m.samplesPerPixel() == 1);
        String pi = m.photometric();
        if (pi.equals("YBR_FULL_422")) {
            if (m.bitsAllocated() != 8) {
                throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT,
                        "native YBR_FULL_422 is rendered only with 8 bits allocated");
            }
            return new Samples(expand422(values, m), true, m.bitsStored());
        }
        if (m.samplesPerPixel() == 3 && m.planarConfiguration() == 1) {
            values = interleave(values, (int) m.pixels());
        }
        return new Samples(values, pi.equals("YBR_FULL"), m.bitsStored());
    }

    /** The bytes of one native frame, Little Endian, from inline bytes or from the file (PS3.5 8.1.1). */
    private static byte[] nativeFrameBytes(DataSet ds, PixelModule m, int frame, long len)
            throws IOException, ImageException {
        DicomElement e = ds.get(Tag.PixelData).orElseThrow();
        long off = (frame - 1) * len;
        return switch (e.value()) {
            case Value.Bytes bytes -> {
                if (off + len > bytes.length()) {
                    throw shortPixelData(bytes.length(), off + len);
                }
                byte[] out = new byte[(int) len];
                System.arraycopy(bytes.unsafeArray(), (int) off, out, 0, (int) len);
                yield out;
            }
            case BulkData bd -> {
                if (off + len > bd.length()) {
                    throw shortPixelData(bd.length(), off + len);
                }
                if (!bd.bigEndian()) {
                    yield readRange(bd, off, len);
                }
                if (m.bitsAllocated() == 32) {
                    throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT,
                            "32-bit pixel data in Explicit VR Big Endian are not rendered");
                }
                // OW from Big Endian: swap 16-bit words; read from an even offset so words stay whole
                long start = off & ~1L;
                long end = Math.min(bd.length(), (off + len + 1) & ~1L);
                byte[] words = readRange(bd, start, end - start);
                for (int i = 0; i + 1 < words.length; i += 2) {
                    byte t = words[i];
                    words[i] = words[i + 1];
                    words[i + 1] = t;
                }
                byte[] out = new byte[(int) len];
                System.arraycopy(words, (int) (off - start), out, 0, (int) len);
                yield out;
            }
            case Fragments f -> throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "Pixel Data are encapsulated but the transfer syntax is native");
            case Value.Sequence s -> throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "Pixel Data is a sequence");
        };
    }

    private static ImageException shortPixelData(long have, long need) {
        return new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                "Pixel Data hold " + have + " bytes, the frame needs up to byte " + need);
    }

    private static byte[] readRange(BulkData bd, long off, long len) throws IOException {
        byte[] out = new byte[Math.toIntExact(len)];
        ByteBuffer buf = ByteBuffer.wrap(out);
        try (FileChannel ch = FileChannel.open(bd.file(), StandardOpenOption.READ)) {
            long pos = bd.offset() + off;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException("HZ-5507 " + bd.file() + " ends inside the pixel data");
                }
                pos += n;
            }
        }
        return out;
    }

    /** Applies Bits Stored and High Bit (PS3.5 8.1.1) and, for signed data, sign extension. */
    static int[] storedValues(int[] raw, int bitsStored, int highBit, boolean signed) {
        int shift = highBit + 1 - bitsStored;
        long mask = (1L << bitsStored) - 1;
        long signBit = 1L << (bitsStored - 1);
        for (int i = 0; i < raw.length; i++) {
            long v = ((raw[i] & 0xFFFFFFFFL) >>> shift) & mask;
            if (signed && (v & signBit) != 0) {
                v -= 1L << bitsStored;
            }
            raw[i] = (int) v;
        }
        return raw;
    }

    /** Colour-by-plane (R plane, G plane, B plane) to colour-by-pixel (PS3.3 C.7.6.3.1.3). */
    private static int[] interleave(int[] planes, int pixels) {
        int[] out = new int[planes.length];
        for (int p = 0; p < pixels; p++) {
            out[3 * p] = planes[p];
            out[3 * p + 1] = planes[pixels + p];
            out[3 * p + 2] = planes[2 * pixels + p];
        }
        return out;
    }

    /** Native YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair, PS3.3 C.7.6.3.1.2) to Y Cb Cr per pixel. */
    private static int[] expand422(int[] v, PixelModule m) throws ImageException {
        if (m.columns() % 2 != 0) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, "YBR_FULL_422 needs an even number of columns");
        }
        int pixels = (int) m.pixels();
        int[] out = new int[pixels * 3];
        for (int p = 0, i = 0; p < pixels; p += 2, i += 4) {
            out[3 * p] = v[i];
            out[3 * p + 3] = v[i + 1];
            out[3 * p + 1] = out[3 * p + 4] = v[i + 2];
            out[3 * p + 2] = out[3 * p + 5] = v[i + 3];
        }
        return out;
    }

    // ------------------------------------------------------------------ encapsulated JPEG

    private static boolean jdkJpeg(TransferSyntax ts) {
        return ts.uid().equals(TransferSyntax.JPEG_BASELINE.uid()) || ts.uid().equals(TransferSyntax.JPEG_EXTENDED.uid());
    }

    private static Samples decodeJpeg(DataSet ds, TransferSyntax ts, PixelModule m, int frame)
            throws IOException, ImageException {
        if (!jdkJpeg(ts)) {
            throw new UnsupportedTransferSyntaxException(ts);
        }
        if (m.bitsStored() > 8) {
            throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT, "JPEG with " + m.bitsStored()
                    + " bits stored: the JDK decodes only 8-bit JPEG (Process 1/2), not 12-bit (Process 4)");
        }
        Fragments f = ds.getFragments(Tag.PixelData).orElseThrow(() -> new ImageException(
                ImageException.Kind.MALFORMED_PIXEL_DATA, "transfer syntax " + ts + " but Pixel Data are not encapsulated"));
        byte[] jpeg = frameBytes(f, m.numberOfFrames(), frame);
        Raster raster = readJpegRaster(jpeg);
        if (raster.getWidth() != m.columns() || raster.getHeight() != m.rows()
                || raster.getNumBands() != m.samplesPerPixel()) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, "the JPEG stream of frame " + frame
                    + " is " + raster.getWidth() + " x " + raster.getHeight() + " x " + raster.getNumBands()
                    + ", the data set says " + m.columns() + " x " + m.rows() + " x " + m.samplesPerPixel());
        }
        int[] v = raster.getPixels(0, 0, raster.getWidth(), raster.getHeight(), (int[]) null);
        if (m.samplesPerPixel() == 1) {
            v = storedValues(v, 8, 7, m.signed());
        }
        // PS3.5 8.2.1: for YBR_FULL(_422) the JPEG stream holds YCbCr; readRaster does not convert it
        return new Samples(v, m.photometric().startsWith("YBR"), 8);
    }

    private static Raster readJpegRaster(byte[] jpeg) throws IOException, ImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT, "no JPEG decoder in this JDK");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in, true, true);
            return reader.readRaster(0, null);
        } catch (IIOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Unsupported JPEG process") || msg.contains("precision")) {
                throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT,
                        "the JDK JPEG decoder cannot decode this stream: " + msg, e);
            }
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, "corrupt JPEG stream: " + msg, e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * The compressed bytes of frame {@code frame} (PS3.5 A.4): all fragments for a single frame;
     * the Basic Offset Table when present; one fragment per frame when the counts match;
     * otherwise a new frame starts at each fragment opening with a JPEG SOI marker (FFD8).
     */
    static byte[] frameBytes(Fragments f, int frames, int frame) throws IOException, ImageException {
        List<Value> fragments = f.fragments();
        if (fragments.isEmpty()) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, "encapsulated Pixel Data have no fragments");
        }
        List<Value> picked;
        byte[] bot = valueBytes(f.basicOffsetTable(), 4L * frames + 4);
        if (frames == 1) {
            picked = fragments;
        } else if (bot.length >= 4 * frames) {
            picked = byOffsetTable(fragments, bot, frames, frame);
        } else if (fragments.size() == frames) {
            picked = List.of(fragments.get(frame - 1));
        } else {
            picked = bySoiMarkers(fragments, frame);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long max = MAX_FRAME_SAMPLES * 4;
        for (Value v : picked) {
            if (out.size() + v.length() > max) {
                throw new ImageException(ImageException.Kind.TOO_LARGE, "compressed frame above " + max + " bytes");
            }
            out.write(valueBytes(v, max));
        }
        return out.toByteArray();
    }

    private static List<Value> byOffsetTable(List<Value> fragments, byte[] bot, int frames, int frame)
            throws ImageException {
        ByteBuffer b = ByteBuffer.wrap(bot).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long start = b.getInt(4 * (frame - 1)) & 0xFFFFFFFFL;
        long end = frame < frames ? b.getInt(4 * frame) & 0xFFFFFFFFL : Long.MAX_VALUE;
        List<Value> out = new ArrayList<>();
        long pos = 0; // offset of each fragment's item tag from the first fragment's (PS3.5 A.4)
        for (Value v : fragments) {
            if (pos >= start && pos < end) {
                out.add(v);
            }
            pos += 8 + v.length();
        }
        if (out.isEmpty()) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "the Basic Offset Table points frame " + frame + " at no fragment");
        }
        return out;
    }

    private static List<Value> bySoiMarkers(List<Value> fragments, int frame) throws IOException, ImageException {
        int current = 0;
        List<Value> out = new ArrayList<>();
        for (Value v : fragments) {
            byte[] head = v instanceof BulkData bd ? readRange(bd, 0, Math.min(2, bd.length())) : valueBytes(v, 2);
            if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
                current++;
            }
            if (current == frame) {
                out.add(v);
            } else if (current > frame) {
                break;
            }
        }
        if (out.isEmpty()) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "cannot find the fragments of frame " + frame + " (no Basic Offset Table, no JPEG start marker)");
        }
        return out;
    }

    /** The bytes of an inline or referenced value; {@code limit} bounds what a referenced value may allocate. */
    private static byte[] valueBytes(Value v, long limit) throws IOException, ImageException {
        return switch (v) {
            case Value.Bytes b -> limit < b.length() ? java.util.Arrays.copyOf(b.unsafeArray(), (int) limit) : b.unsafeArray();
            case BulkData bd -> {
                if (bd.length() > limit) {
                    throw new ImageException(ImageException.Kind.TOO_LARGE, "a value of " + bd.length()
                            + " bytes is above the limit of " + limit);
                }
                yield readRange(bd, 0, bd.length());
            }
            default -> NO_BYTES;
        };
    }

    // ------------------------------------------------------------------ monochrome

    private static BufferedImage renderMonochrome(DataSet ds, PixelModule m, Samples s, int frame,
                                                  Optional<Window> chosen) throws ImageException {
        double[] rescale = rescale(ds, frame);
        double slope = rescale[0];
        double intercept = rescale[1];
        int[] v = s.values();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        Window window = chosen.isPresent() ? chosen.get()
                : minMaxWindow(rescaleOf(min, slope, intercept), rescaleOf(max, slope, intercept));
        boolean invert = m.photometric().equals("MONOCHROME1");
        BufferedImage img = new BufferedImage(m.columns(), m.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        long span = (long) max - min;
        if (span < (1 << 20)) {
            // one lookup table over the stored values of this frame: each value is mapped once
            byte[] lut = new byte[(int) span + 1];
            for (int i = 0; i < lut.length; i++) {
                lut[i] = display(window, rescaleOf(min + i, slope, intercept), invert);
            }
            for (int i = 0; i < v.length; i++) {
                out[i] = lut[v[i] - min];
            }
        } else {
            for (int i = 0; i < v.length; i++) {
                out[i] = display(window, rescaleOf(v[i], slope, intercept), invert);
            }
        }
        return img;
    }

    private static double rescaleOf(int stored, double slope, double intercept) {
        return stored * slope + intercept;
    }

    private static byte display(Window w, double modality, boolean invert) {
        int y = (int) Math.round(w.apply(modality, 0, 255));
        y = Math.max(0, Math.min(255, y));
        return (byte) (invert ? 255 - y : y);
    }

    /**
     * The window spanning the frame's modality values: min maps to 0, max to 255 (LINEAR_EXACT
     * with center (min+max)/2 and width max-min); a flat frame renders black.
     */
    static Window minMaxWindow(double a, double b) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        if (hi - lo <= 0) {
            return new Window(lo + 0.5, 1, VoiFunction.LINEAR_EXACT);
        }
        return new Window((lo + hi) / 2, hi - lo, VoiFunction.LINEAR_EXACT);
    }

    /** Rescale Slope and Intercept (C.11.1.1.2) of the data set, else of the frame's Pixel Value Transformation. */
    static double[] rescale(DataSet ds, int frame) {
        DataSet src = ds.contains(Tag.RescaleSlope) || ds.contains(Tag.RescaleIntercept)
                ? ds : functionalGroup(ds, frame, Tag.PixelValueTransformationSequence).orElse(ds);
        try {
            return new double[] {src.getDouble(Tag.RescaleSlope).orElse(1.0), src.getDouble(Tag.RescaleIntercept).orElse(0.0)};
        } catch (DicomValueException e) {
            return new double[] {1.0, 0.0};
        }
    }

    /** The data set's first valid window (C.11.2.1.2), or that of the frame's Frame VOI LUT functional group. */
    static Optional<Window> datasetWindow(DataSet ds, int frame) {
        DataSet src = ds.contains(Tag.WindowCenter) ? ds : functionalGroup(ds, frame, Tag.FrameVOILUTSequence).orElse(ds);
        try {
            Optional<double[]> c = src.getDoubles(Tag.WindowCenter);
            Optional<double[]> w = src.getDoubles(Tag.WindowWidth);
            if (c.isEmpty() || w.isEmpty() || c.get().length == 0 || w.get().length == 0) {
                return Optional.empty();
            }
            VoiFunction f = src.getString(Tag.VOILUTFunction).flatMap(VoiFunction::parse).orElse(VoiFunction.LINEAR);
            return Window.ofValues(c.get()[0], w.get()[0], f);
        } catch (DicomValueException e) {
            return Optional.empty(); // an unreadable window falls back to min/max
        }
    }

    /**
     * The first item of {@code sequence} in the frame's Per-frame Functional Groups item, else
     * in the Shared Functional Groups item (PS3.3 C.7.6.16).
     */
    private static Optional<DataSet> functionalGroup(DataSet ds, int frame, int sequence) {
        try {
            Optional<DataSet> perFrame = ds.getSequence(Tag.PerFrameFunctionalGroupsSequence)
                    .filter(items -> items.size() >= frame).map(items -> items.get(frame - 1))
                    .flatMap(item -> firstItem(item, sequence));
            if (perFrame.isPresent()) {
                return perFrame;
            }
            return ds.getSequence(Tag.SharedFunctionalGroupsSequence).filter(items -> !items.isEmpty())
                    .flatMap(items -> firstItem(items.get(0), sequence));
        } catch (DicomValueException e) {
            return Optional.empty();
        }
    }

    private static Optional<DataSet> firstItem(DataSet item, int sequence) {
        return item.getSequence(sequence).filter(items -> !items.isEmpty()).map(items -> items.get(0));
    }

    // ------------------------------------------------------------------ colour

    private static BufferedImage renderColour(PixelModule m, Samples s) {
        BufferedImage img = new BufferedImage(m.columns(), m.rows(), BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int[] v = s.values();
        int shift = Math.max(0, s.bitsStored() - 8);
        for (int p = 0; p < out.length; p++) {
            int a = v[3 * p] >> shift;
            int b = v[3 * p + 1] >> shift;
            int c = v[3 * p + 2] >> shift;
            out[p] = s.ycbcr() ? ycbcrToRgb(a, b, c) : (clamp(a) << 16) | (clamp(b) << 8) | clamp(c);
        }
        return img;
    }

    /** YBR_FULL to RGB: the inverse of the PS3.3 C.7.6.3.1.2 equations (8-bit, chroma offset 128). */
    static int ycbcrToRgb(int y, int cb, int cr) {
        double r = y + 1.402 * (cr - 128);
        double g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
        double b = y + 1.772 * (cb - 128);
        return clamp((int) Math.round(r)) << 16 | clamp((int) Math.round(g)) << 8 | clamp((int) Math.round(b));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static BufferedImage renderPalette(DataSet ds, PixelModule m, Samples s) throws IOException, ImageException {
        if (ds.contains(Tag.SegmentedRedPaletteColorLookupTableData)) {
            throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT,
                    "segmented palette colour lookup tables (PS3.3 C.7.9.2) are not rendered");
        }
        int[] red = paletteLut(ds, Tag.RedPaletteColorLookupTableDescriptor, Tag.RedPaletteColorLookupTableData);
        int[] green = paletteLut(ds, Tag.GreenPaletteColorLookupTableDescriptor, Tag.GreenPaletteColorLookupTableData);
        int[] blue = paletteLut(ds, Tag.BluePaletteColorLookupTableDescriptor, Tag.BluePaletteColorLookupTableData);
        int first = paletteFirst(ds);
        BufferedImage img = new BufferedImage(m.columns(), m.rows(), BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int[] v = s.values();
        for (int p = 0; p < out.length; p++) {
            out[p] = lookup(red, v[p] - first) << 16 | lookup(green, v[p] - first) << 8 | lookup(blue, v[p] - first);
        }
        return img;
    }

    /** Values below the first mapped one take the first entry, above the last the last (C.7.6.3.1.5). */
    private static int lookup(int[] lut, int index) {
        return lut[Math.max(0, Math.min(lut.length - 1, index))];
    }

    private static int paletteFirst(DataSet ds) throws ImageException {
        int[] d = descriptor(ds, Tag.RedPaletteColorLookupTableDescriptor);
        return d[1];
    }

    private static int[] descriptor(DataSet ds, int tag) throws ImageException {
        try {
            int[] d = ds.getInts(tag).orElseThrow(() -> new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "PALETTE COLOR without palette descriptor " + Tag.toString(tag)));
            if (d.length != 3) {
                throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                        "palette descriptor " + Tag.toString(tag) + " must have 3 values");
            }
            return d;
        } catch (DicomValueException e) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, e.getMessage(), e);
        }
    }

    /**
     * One palette LUT as 8-bit entries. Descriptor (C.7.6.3.1.5): entries (0 means 65536), first
     * mapped value, bits per entry (8 or 16). 16-bit entries keep their high byte; 8-bit entries
     * may come one per 16-bit word (low byte) or packed.
     */
    private static int[] paletteLut(DataSet ds, int descriptorTag, int dataTag) throws IOException, ImageException {
        int[] d = descriptor(ds, descriptorTag);
        int entries = d[0] == 0 ? 65536 : d[0] & 0xFFFF;
        int bits = d[2];
        DicomElement e = ds.get(dataTag).orElseThrow(() -> new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                "PALETTE COLOR without palette data " + Tag.toString(dataTag)));
        byte[] b = valueBytes(e.value(), 2L * 65536);
        if (e.value() instanceof BulkData bd && bd.bigEndian()) {
            for (int i = 0; i + 1 < b.length; i += 2) {
                byte t = b[i];
                b[i] = b[i + 1];
                b[i + 1] = t;
            }
        }
        int[] lut = new int[entries];
        if (bits == 16 && b.length >= 2 * entries) {
            for (int i = 0; i < entries; i++) {
                lut[i] = b[2 * i + 1] & 0xFF;
            }
        } else if (bits == 8 && b.length >= 2 * entries) {
            for (int i = 0; i < entries; i++) {
                lut[i] = b[2 * i] & 0xFF;
            }
        } else if (bits == 8 && b.length >= entries) {
            for (int i = 0; i < entries; i++) {
                lut[i] = b[i] & 0xFF;
            }
        } else {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, "palette data " + Tag.toString(dataTag)
                    + " hold " + b.length + " bytes for " + entries + " entries of " + bits + " bits");
        }
        return lut;
    }

    // ------------------------------------------------------------------ viewport

    /**
     * Scales to fit {@code v} with the aspect ratio kept: bilinear, halving step by step when
     * shrinking by more than 2 so that every source pixel contributes.
     */
    static BufferedImage scale(BufferedImage src, Viewport v) {
        int[] size = v.fit(src.getWidth(), src.getHeight());
        BufferedImage img = src;
        int w = src.getWidth();
        int h = src.getHeight();
        while (w / 2 >= size[0] && h / 2 >= size[1]) {
            w /= 2;
            h /= 2;
            img = draw(img, w, h);
        }
        if (w != size[0] || h != size[1]) {
            img = draw(img, size[0], size[1]);
        }
        return img;
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage next = new BufferedImage(w, h, src.getType());
        Graphics2D g = next.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return next;
    }
}
