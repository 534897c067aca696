package org.huizhen.dicom.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

/**
 * Writes data sets as Part 10 files (PS3.10 7.1) or bare data sets, in Implicit VR Little
 * Endian, Explicit VR Little Endian, Explicit VR Big Endian, Deflated Explicit VR Little
 * Endian, and the encapsulated syntaxes (fragments written as read; no transcoding).
 *
 * <p>Rules followed: values padded to even length with the VR's padding byte (PS3.5 6.2);
 * explicit VR headers of 8 or 12 bytes (PS3.5 7.1.2), a value too long for a 16-bit length
 * field written as UN (PS3.5 6.2.2); sequences and items with undefined or defined length
 * (PS3.5 7.5, {@link WriteOptions}); group length elements (gggg,0000) recomputed for what
 * is written (PS3.5 7.2); encapsulated pixel data as items ending with a Sequence Delimitation
 * Item (PS3.5 A.4). Bulk data references are streamed from their file in 64 KiB chunks,
 * byte-swapped on the way where the byte order changes, so no whole value is in the heap.
 *
 * <p>Not thread-safe per call; the static methods may run concurrently on different streams.
 * Streams passed in are flushed but not closed.
 */
public final class DicomWriter {

    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITATION = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    private static final int UNDEFINED = 0xFFFFFFFF;
    private static final int CHUNK = 64 * 1024;

    private final OutputStream out;
    private final boolean explicit;
    private final boolean big;
    private final WriteOptions options;
    private final byte[] scratch = new byte[12];

    private DicomWriter(OutputStream out, boolean explicit, boolean big, WriteOptions options) {
        this.out = out;
        this.explicit = explicit;
        this.big = big;
        this.options = options;
    }

    /**
     * Writes a Part 10 file: preamble, the group 0002 of {@code meta}, then {@code ds} in the
     * meta's transfer syntax. Group 0002 elements inside {@code ds} are not written.
     */
    public static void writePart10(OutputStream out, FileMetaInfo meta, DataSet ds, WriteOptions options)
            throws IOException {
        BufferedOutputStream buf = new BufferedOutputStream(out, CHUNK);
        meta.write(buf);
        writeDataSet(buf, ds, meta.transferSyntax(), options);
        buf.flush();
    }

    /** Writes a bare data set (no preamble, no group 0002) in the given transfer syntax. */
    public static void writeDataSet(OutputStream out, DataSet ds, TransferSyntax ts, WriteOptions options)
            throws IOException {
        checkPixelData(ds, ts);
        if (ts.deflated()) {
            Deflater deflater = new Deflater(options.deflateLevel(), true);
            try {
                DeflaterOutputStream dos = new DeflaterOutputStream(new NonClosing(out), deflater, CHUNK);
                BufferedOutputStream buf = new BufferedOutputStream(dos, CHUNK);
                new DicomWriter(buf, true, false, options).writeItemContent(ds, true);
                buf.flush();
                dos.finish();
            } finally {
                deflater.end();
            }
        } else {
            BufferedOutputStream buf = new BufferedOutputStream(new NonClosing(out), CHUNK);
            new DicomWriter(buf, ts.explicitVr(), ts.bigEndian(), options).writeItemContent(ds, true);
            buf.flush();
        }
        out.flush();
    }

    private static void checkPixelData(DataSet ds, TransferSyntax ts) {
        ds.get(Tag.PixelData).ifPresent(e -> {
            boolean fragments = e.value() instanceof Fragments;
            if (fragments && !ts.encapsulated()) {
                throw new IllegalArgumentException("HZ-1110 encapsulated Pixel Data cannot be written in " + ts
                        + " without decompression, which this writer does not do");
            }
            if (!fragments && ts.encapsulated() && e.value().length() > 0) {
                throw new IllegalArgumentException("HZ-1111 native Pixel Data cannot be written in the encapsulated "
                        + ts + " without compression, which this writer does not do");
            }
        });
    }

    // ---------------------------------------------------------------- encoding

    private void writeItemContent(DataSet ds, boolean topLevel) throws IOException {
        List<DicomElement> elements = ds.elements();
        for (int i = 0; i < elements.size(); i++) {
            DicomElement e = elements.get(i);
            if (topLevel && Tag.group(e.tag()) == 0x0002) {
                continue; // file meta information is written by FileMetaInfo only (PS3.10 7.1)
            }
            if (Tag.isGroupLength(e.tag()) && Tag.group(e.tag()) != 0x0002) {
                long sum = 0;
                for (int j = i + 1; j < elements.size() && Tag.group(elements.get(j).tag()) == Tag.group(e.tag()); j++) {
                    sum += elementLength(elements.get(j));
                }
                header(e.tag(), VR.UL, 4);
                u32((int) sum);
                continue;
            }
            writeElement(e);
        }
    }

    private void writeElement(DicomElement e) throws IOException {
        VR vr = e.vr();
        switch (e.value()) {
            case Value.Sequence s -> writeSequence(e.tag(), s.items());
            case Fragments f -> {
                header(e.tag(), vr, UNDEFINED);
                for (Value item : f.items()) {
                    long len = padded(item.length());
                    tag(ITEM);
                    u32((int) len);
                    writeRaw(item, VR.OB);
                }
                tag(SEQUENCE_DELIMITATION);
                u32(0);
            }
            case Value.Bytes b when vr == VR.SQ -> writeSequence(e.tag(), List.of());
            default -> {
                long len = padded(e.value().length());
                VR written = vr;
                if (explicit && !vr.hasLongLength() && len > 0xFFFF) {
                    written = VR.UN; // does not fit a 16-bit length field (PS3.5 6.2.2)
                }
                header(e.tag(), written, (int) len);
                writeRaw(e.value(), vr);
            }
        }
    }

    private void writeSequence(int tag, List<DataSet> items) throws IOException {
        boolean defined = options.sequenceLength() == WriteOptions.SequenceLength.DEFINED;
        header(tag, VR.SQ, defined ? (int) sequenceValueLength(items) : UNDEFINED);
        for (DataSet item : items) {
            tag(ITEM);
            u32(defined ? (int) itemContentLength(item) : UNDEFINED);
            writeItemContent(item, false);
            if (!defined) {
                tag(ITEM_DELIMITATION);
                u32(0);
            }
        }
        if (!defined) {
            tag(SEQUENCE_DELIMITATION);
            u32(0);
        }
    }

    /** Writes a value's bytes plus padding, swapping to Big Endian where needed. */
    private void writeRaw(Value v, VR vr) throws IOException {
        int unit = vr.swapUnit();
        long len;
        switch (v) {
            case Value.Bytes b -> {
                byte[] a = b.unsafeArray();
                if (big && unit > 1) {
                    byte[] c = a.clone();
                    DicomReader.swap(c, unit);
                    out.write(c);
                } else {
                    out.write(a);
                }
                len = a.length;
            }
            case BulkData bd -> {
                boolean swap = unit > 1 && bd.bigEndian() != big;
                byte[] buf = new byte[CHUNK];
                long left = bd.length();
                try (InputStream in = bd.openStream()) {
                    int carry = 0;
                    while (left > 0) {
                        int n = in.read(buf, carry, (int) Math.min(buf.length - carry, left));
                        if (n < 0) {
                            throw new IOException("HZ-1112 bulk data file " + bd.file() + " ended " + left
                                    + " bytes early (it changed after it was read)");
                        }
                        left -= n;
                        int have = carry + n;
                        int whole = swap ? have - have % unit : have;
                        if (swap) {
                            swapRange(buf, whole, unit);
                        }
                        out.write(buf, 0, whole);
                        carry = have - whole;
                        if (carry > 0) {
                            System.arraycopy(buf, whole, buf, 0, carry);
                        }
                    }
                    if (carry > 0) {
                        out.write(buf, 0, carry);
                    }
                }
                len = bd.length();
            }
            default -> throw new IllegalStateException("HZ-1113 not a raw value: " + v);
        }
        if ((len & 1) == 1) {
            out.write(vr.paddingByte());
        }
    }

    private static void swapRange(byte[] b, int length, int unit) {
        for (int i = 0; i + unit <= length; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }

    // ---------------------------------------------------------------- lengths

    private static long padded(long len) {
        return len + (len & 1);
    }

    private int headerLength(VR vr, long valueLength) {
        if (!explicit) {
            return 8;
        }
        if (!vr.hasLongLength() && valueLength > 0xFFFF) {
            return 12;
        }
        return vr.explicitHeaderLength();
    }

    /** Encoded length of an element, header included. */
    private long elementLength(DicomElement e) {
        return switch (e.value()) {
            case Value.Sequence s -> headerLength(VR.SQ, 0) + sequenceValueLength(s.items())
                    + (options.sequenceLength() == WriteOptions.SequenceLength.UNDEFINED ? 8 : 0);
            case Fragments f -> {
                long sum = headerLength(e.vr(), 0) + 8;
                for (Value v : f.items()) {
                    sum += 8 + padded(v.length());
                }
                yield sum;
            }
            case Value.Bytes b when e.vr() == VR.SQ -> headerLength(VR.SQ, 0)
                    + (options.sequenceLength() == WriteOptions.SequenceLength.UNDEFINED ? 8 : 0);
            default -> headerLength(e.vr(), padded(e.value().length())) + padded(e.value().length());
        };
    }

    /** Length of a sequence's items, without the Sequence Delimitation Item. */
    private long sequenceValueLength(List<DataSet> items) {
        long sum = 0;
        for (DataSet item : items) {
            sum += 8 + itemContentLength(item);
            if (options.sequenceLength() == WriteOptions.SequenceLength.UNDEFINED) {
                sum += 8;
            }
        }
        return sum;
    }

    private long itemContentLength(DataSet item) {
        long sum = 0;
        for (DicomElement e : item.elements()) {
            sum += elementLength(e);
        }
        return sum;
    }

    // ---------------------------------------------------------------- primitives

    private void header(int tag, VR vr, int length) throws IOException {
        tag(tag);
        if (explicit) {
            out.write(vr.name().charAt(0));
            out.write(vr.name().charAt(1));
            if (vr.hasLongLength()) {
                out.write(0);
                out.write(0);
                u32(length);
            } else {
                u16(length);
            }
        } else {
            u32(length);
        }
    }

    private void tag(int tag) throws IOException {
        u16(tag >>> 16);
        u16(tag & 0xFFFF);
    }

    private void u16(int v) throws IOException {
        if (big) {
            scratch[0] = (byte) (v >>> 8);
            scratch[1] = (byte) v;
        } else {
            scratch[0] = (byte) v;
            scratch[1] = (byte) (v >>> 8);
        }
        out.write(scratch, 0, 2);
    }

    private void u32(int v) throws IOException {
        if (big) {
            scratch[0] = (byte) (v >>> 24);
            scratch[1] = (byte) (v >>> 16);
            scratch[2] = (byte) (v >>> 8);
            scratch[3] = (byte) v;
        } else {
            scratch[0] = (byte) v;
            scratch[1] = (byte) (v >>> 8);
            scratch[2] = (byte) (v >>> 16);
            scratch[3] = (byte) (v >>> 24);
        }
        out.write(scratch, 0, 4);
    }

    /** Keeps the caller's stream open when our wrappers are closed or finished. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
