package org.huizhen.hub.web.dicomweb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.io.TransferSyntax;

/**
 * Finds the bytes of pixel data frames (PS3.18 10.4.1.1.4 Retrieve Frames) and of bulk data
 * values (PS3.18 10.4.1.1.5) in a data set read from a stored instance.
 *
 * <p>Native pixel data: frame k (1-based) is the k-th run of Rows × Columns × Samples per Pixel
 * × Bits Allocated / 8 bytes (PS3.5 8.1.1), in Little Endian order. Encapsulated pixel data
 * (PS3.5 A.4): the fragments of frame k are located by the Extended Offset Table (7FE0,0001)
 * if present, else by a non-empty Basic Offset Table, else one fragment per frame (all
 * fragments for a single-frame image); offsets count from the first byte of the first fragment
 * item's tag, each item taking 8 header bytes plus its length.
 *
 * <p>Stateless; thread-safe. Reading ({@link Slice#read}) blocks on file I/O.
 */
public final class WadoFrames {

    private WadoFrames() {
    }

    /**
     * Bytes {@code [offset, offset + length)} of a value held in the heap or in a file.
     *
     * @param swapUnit 1, or the word size (2 for OW) to swap from a Big Endian file to Little Endian
     */
    public record Slice(Value value, long offset, long length, int swapUnit) {

        /** The bytes, in Little Endian order. Blocks on file I/O. */
        public byte[] read() throws IOException {
            byte[] out;
            if (value instanceof Value.Bytes b) {
                out = new byte[Math.toIntExact(length)];
                System.arraycopy(b.unsafeArray(), Math.toIntExact(offset), out, 0, out.length);
            } else if (value instanceof BulkData bd) {
                try (InputStream in = bd.openStream()) {
                    in.skipNBytes(offset);
                    out = in.readNBytes(Math.toIntExact(length));
                }
                if (out.length != length) {
                    throw new IOException("HZ-5499 stored value shorter than its length");
                }
            } else {
                throw new IllegalStateException("a slice is of bytes or bulk data");
            }
            if (swapUnit > 1) {
                swap(out, swapUnit);
            }
            return out;
        }
    }

    /** The stored transfer syntax's media type for frames (PS3.18 Table 8.7.3-2), or octet-stream for native data. */
    public static String frameMediaType(TransferSyntax ts) {
        if (!ts.encapsulated()) {
            return "application/octet-stream";
        }
        String uid = ts.uid();
        if (uid.startsWith("1.2.840.10008.1.2.4.5") || uid.startsWith("1.2.840.10008.1.2.4.6")
                || uid.equals("1.2.840.10008.1.2.4.70")) {
            return "image/jpeg";
        }
        return switch (uid) {
            case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "image/jls";
            case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "image/jp2";
            case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93" -> "image/jpx";
            case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203" -> "image/jphc";
            case "1.2.840.10008.1.2.4.110", "1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.112" -> "image/jxl";
            case "1.2.840.10008.1.2.5" -> "image/dicom-rle";
            case "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.100.1",
                 "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.101.1" -> "video/mpeg";
            default -> uid.startsWith("1.2.840.10008.1.2.4.10") ? "video/mp4" : "application/octet-stream";
        };
    }

    /** Number of Frames (0028,0008), 1 when absent. */
    public static int frameCount(DataSet ds) {
        return ds.getInt(Tag.NumberOfFrames).filter(n -> n > 0).orElse(1);
    }

    /**
     * The slices making up each requested frame, in request order.
     *
     * @param frames 1-based frame numbers
     * @throws WadoProblem HZ-5406 (404) without Pixel Data, HZ-5404 (404) for a frame beyond the
     *                     image, HZ-5407/HZ-5411 (501) when the frames cannot be located
     */
    public static List<List<Slice>> locate(DataSet ds, List<Integer> frames) {
        DicomElement pixel = ds.get(Tag.PixelData)
                .orElseThrow(() -> new WadoProblem(404, "HZ-5406", "the instance has no Pixel Data"));
        int count = frameCount(ds);
        for (int f : frames) {
            if (f < 1 || f > count) {
                throw new WadoProblem(404, "HZ-5404", "frame " + f + " is out of range: the instance has " + count
                        + " frame(s)");
            }
        }
        List<List<Slice>> out = new ArrayList<>();
        if (pixel.value() instanceof Fragments fr) {
            List<List<Value>> all = fragmentsPerFrame(ds, fr, count);
            for (int f : frames) {
                out.add(all.get(f - 1).stream().map(v -> new Slice(v, 0, v.length(), 1)).toList());
            }
            return out;
        }
        int rows = ds.getInt(Tag.Rows).orElse(0);
        int columns = ds.getInt(Tag.Columns).orElse(0);
        int samples = ds.getInt(Tag.SamplesPerPixel).orElse(1);
        int bits = ds.getInt(Tag.BitsAllocated).orElse(0);
        long frameBits = (long) rows * columns * samples * bits;
        if (frameBits == 0 || frameBits % 8 != 0) {
            throw new WadoProblem(501, "HZ-5411", "frames of " + rows + "x" + columns + "x" + samples + " at "
                    + bits + " bits allocated are not whole bytes");
        }
        long frameBytes = frameBits / 8;
        Value v = pixel.value();
        long available = v.length();
        int swap = swapUnit(pixel);
        for (int f : frames) {
            long off = (f - 1) * frameBytes;
            if (off + frameBytes > available) {
                throw new WadoProblem(404, "HZ-5404", "frame " + f + " lies beyond the stored Pixel Data ("
                        + available + " bytes)");
            }
            out.add(List.of(new Slice(v, off, frameBytes, swap)));
        }
        return out;
    }

    /** The fragments of every frame; see the class comment. */
    static List<List<Value>> fragmentsPerFrame(DataSet ds, Fragments fr, int count) {
        List<Value> frags = fr.fragments();
        long[] itemStart = new long[frags.size()];
        long pos = 0;
        for (int i = 0; i < frags.size(); i++) {
            itemStart[i] = pos;
            pos += 8 + frags.get(i).length();
        }
        Optional<long[]> offsets = extendedOffsets(ds, count).or(() -> basicOffsets(fr, count));
        List<List<Value>> out = new ArrayList<>();
        if (offsets.isPresent()) {
            long[] o = offsets.get();
            for (int f = 0; f < count; f++) {
                long from = o[f];
                long to = f + 1 < count ? o[f + 1] : Long.MAX_VALUE;
                List<Value> frame = new ArrayList<>();
                for (int i = 0; i < frags.size(); i++) {
                    if (itemStart[i] >= from && itemStart[i] < to) {
                        frame.add(frags.get(i));
                    }
                }
                if (frame.isEmpty() || !contains(itemStart, from)) {
                    throw new WadoProblem(501, "HZ-5407", "offset table entry " + (f + 1)
                            + " does not point at a fragment");
                }
                out.add(frame);
            }
            return out;
        }
        if (count == 1) {
            return List.of(frags);
        }
        if (frags.size() == count) {
            return frags.stream().map(List::of).toList();
        }
        throw new WadoProblem(501, "HZ-5407", count + " frames in " + frags.size()
                + " fragments without an offset table: the frame boundaries are unknown");
    }

    private static boolean contains(long[] sorted, long value) {
        for (long s : sorted) {
            if (s == value) {
                return true;
            }
        }
        return false;
    }

    private static Optional<long[]> extendedOffsets(DataSet ds, int count) {
        return ds.get(Tag.ExtendedOffsetTable).flatMap(e -> {
            byte[] b = bytesOf(e.value());
            if (b.length != 8L * count) {
                return Optional.empty();
            }
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long[] o = new long[count];
            for (int i = 0; i < count; i++) {
                o[i] = bb.getLong();
            }
            return Optional.of(o);
        });
    }

    private static Optional<long[]> basicOffsets(Fragments fr, int count) {
        byte[] b = bytesOf(fr.basicOffsetTable());
        if (b.length == 0 || b.length != 4L * count) {
            return Optional.empty();
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long[] o = new long[count];
        for (int i = 0; i < count; i++) {
            o[i] = bb.getInt() & 0xFFFFFFFFL;
        }
        return Optional.of(o);
    }

    private static byte[] bytesOf(Value v) {
        try {
            return switch (v) {
                case Value.Bytes b -> b.unsafeArray();
                case BulkData bd -> new Slice(bd, 0, bd.length(), 1).read();
                default -> new byte[0];
            };
        } catch (IOException e) {
            throw new WadoProblem(500, "HZ-5499", "stored offset table unreadable: " + e.getMessage());
        }
    }

    /**
     * The value of the element at a bulk data path as {@link org.huizhen.dicom.web.BulkDataUriFactory}
     * names it: "ggggeeee", or "ggggeeee/i/ggggeeee..." through sequence items (0-based).
     *
     * @throws WadoProblem HZ-5408 (404) if the path names no element
     */
    public static DicomElement element(DataSet ds, String path) {
        String[] parts = path.split("/", -1);
        DataSet current = ds;
        for (int i = 0; ; i += 2) {
            int tag = parseTag(parts[i], path);
            DicomElement e = current.get(tag).orElseThrow(() -> unknownPath(path));
            if (i == parts.length - 1) {
                return e;
            }
            if (!(e.value() instanceof Value.Sequence seq) || i + 2 >= parts.length) {
                throw unknownPath(path);
            }
            int item;
            try {
                item = Integer.parseInt(parts[i + 1]);
            } catch (NumberFormatException bad) {
                throw unknownPath(path);
            }
            if (item < 0 || item >= seq.items().size()) {
                throw unknownPath(path);
            }
            current = seq.items().get(item);
        }
    }

    /** The whole value of a (non-sequence, non-fragment) element as a slice. */
    public static Slice whole(DicomElement e) {
        return new Slice(e.value(), 0, e.value().length(), swapUnit(e));
    }

    private static int swapUnit(DicomElement e) {
        if (!(e.value() instanceof BulkData bd) || !bd.bigEndian()) {
            return 1;
        }
        return switch (e.vr()) {
            case OW, US, SS -> 2;
            case OF, OL, UL, SL, FL -> 4;
            case OD, OV, FD, SV, UV -> 8;
            default -> 1;
        };
    }

    private static int parseTag(String s, String path) {
        if (!s.matches("[0-9A-Fa-f]{8}")) {
            throw unknownPath(path);
        }
        return (int) Long.parseLong(s, 16);
    }

    private static WadoProblem unknownPath(String path) {
        return new WadoProblem(404, "HZ-5408", "no bulk data at " + path);
    }

    private static void swap(byte[] b, int unit) {
        for (int i = 0; i + unit <= b.length; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }

    /** Reads all slices of one frame into one array. Blocks on file I/O. */
    public static byte[] read(List<Slice> frame) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Slice s : frame) {
            out.write(s.read());
        }
        return out.toByteArray();
    }

    /** VR check used by callers that must not treat a sequence as bulk data. */
    static boolean isSequence(DicomElement e) {
        return e.vr() == VR.SQ || e.value() instanceof Value.Sequence;
    }
}
