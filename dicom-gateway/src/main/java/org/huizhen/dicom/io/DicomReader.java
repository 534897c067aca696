package org.huizhen.dicom.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.ElementDictionary;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

/**
 * Reads DICOM Part 10 files (PS3.10 7.1: 128-byte preamble, "DICM", group 0002 in Explicit VR
 * Little Endian, then the data set in the transfer syntax the meta group names) and bare data
 * sets (transfer syntax given) into immutable {@link DataSet}s.
 *
 * <p>Encodings: Implicit VR Little Endian, Explicit VR Little Endian, Explicit VR Big Endian
 * (PS3.5 A.1-A.3), Deflated Explicit VR Little Endian (PS3.5 A.5, raw deflate; a zlib-wrapped
 * stream is also accepted) and every encapsulated syntax (fragments kept as bytes, PS3.5 A.4).
 * Sequences and items of defined and undefined length (PS3.5 7.5); VR UN with undefined length
 * is read as an Implicit VR Little Endian sequence (PS3.5 6.2.2 note, CP-246); group length
 * elements are kept as ordinary UL elements.
 *
 * <p>Limits ({@link DecodeLimits}, defaults in brackets): max element length kept in the heap
 * [{@value DecodeLimits#DEFAULT_MAX_ELEMENT_LENGTH} bytes], max sequence depth
 * [{@value DecodeLimits#DEFAULT_MAX_SEQUENCE_DEPTH}], max header bytes before Pixel Data
 * [{@value DecodeLimits#DEFAULT_MAX_HEADER_BYTES}], max elements
 * [{@value DecodeLimits#DEFAULT_MAX_ELEMENTS}], max fragments
 * [{@value DecodeLimits#DEFAULT_MAX_FRAGMENTS}]. A length is checked against the bytes left
 * in the input where that is known (files), and values of unknown remaining input are read in
 * 1 MiB chunks, so a corrupt length cannot allocate more than the input holds. Every defect
 * raises {@link DicomParseException} with an HZ-10xx code, the byte offset and the tag.
 *
 * <p>The reader never reads ahead of what it parses except through the buffer it puts around
 * a file it opened itself, so "stop before Pixel Data" leaves a caller's stream positioned
 * right after the Pixel Data element header.
 *
 * <p>Binary values are converted to Little Endian; bulk data references keep the file's order
 * (see {@link BulkData#bigEndian()}).
 *
 * <p>Not thread-safe: one reader per stream; the static methods are safe to call concurrently.
 */
public final class DicomReader {

    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITATION = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int CHUNK = 1 << 20;

    private final PushbackInputStream in;
    private final ReadOptions options;
    private final Path file;
    private long pos;
    private long end;
    private int elementCount;
    private boolean deflatedInput;
    private long dataSetStart;
    private long pixelDataOffset = -1;
    private boolean stopped;

    private DicomReader(InputStream in, ReadOptions options, Path file, long length) {
        this.in = new PushbackInputStream(in, 8);
        this.options = options;
        this.file = file;
        this.end = length;
    }

    // ---------------------------------------------------------------- public entry points

    /** Reads a Part 10 file, leaving bulk data in it when {@code options} ask for references. */
    public static Part10File readFile(Path path, ReadOptions options) throws IOException {
        long size = Files.size(path);
        try (InputStream raw = Files.newInputStream(path)) {
            DicomReader r = new DicomReader(new BufferedInputStream(raw, 64 * 1024), options, path, size);
            return r.readPart10();
        }
    }

    /**
     * Reads a Part 10 file from a stream of its bytes that the caller already has (e.g. the copy
     * of what it has just written), so the file itself is read only where that stream reads it;
     * bulk data references still point into {@code path}. {@code content} must yield exactly the
     * file's {@code size} bytes, in order; it is not closed.
     */
    public static Part10File readFile(Path path, InputStream content, long size, ReadOptions options) throws IOException {
        return new DicomReader(content, options, path, size).readPart10();
    }

    /**
     * Reads a Part 10 stream. Bulk data stay inline (there is no file to refer to). The stream is
     * not closed; after a read that stopped before Pixel Data it is positioned right after the
     * Pixel Data element header.
     */
    public static Part10File readPart10(InputStream in, ReadOptions options) throws IOException {
        return new DicomReader(in, options, null, -1).readPart10();
    }

    /**
     * Reads a Part 10 stream of which exactly {@code length} bytes belong to the file (e.g. a
     * received body of known size): lengths are then checked against the bytes left.
     */
    public static Part10File readPart10(InputStream in, long length, ReadOptions options) throws IOException {
        return new DicomReader(in, options, null, length).readPart10();
    }

    /**
     * Reads a bare data set (no preamble or meta group) in the given transfer syntax until the
     * end of the stream (or Pixel Data, when asked to stop there).
     */
    public static DataSet readDataSet(InputStream in, TransferSyntax ts, ReadOptions options) throws IOException {
        DicomReader r = new DicomReader(in, options, null, -1);
        return r.readBody(ts, SpecificCharacterSet.DEFAULT);
    }

    /**
     * Parses the value of a VR UN element as an Implicit VR Little Endian sequence, as CP-246
     * prescribes for sequences whose VR the sender did not know (PS3.5 6.2.2).
     *
     * @param parentCharset the character set of the data set holding the element
     */
    public static List<DataSet> readUnAsSequence(byte[] value, SpecificCharacterSet parentCharset, DecodeLimits limits)
            throws IOException {
        DicomReader r = new DicomReader(new ByteArrayInputStream(value), ReadOptions.DEFAULT.withLimits(limits), null,
                value.length);
        return r.readSequenceItems(-1, value.length, false, false, parentCharset, 1);
    }

    // ---------------------------------------------------------------- Part 10

    private Part10File readPart10() throws IOException {
        byte[] preamble = new byte[132];
        int n = in.readNBytes(preamble, 0, 132);
        pos += n;
        if (n < 132) {
            throw new DicomParseException("HZ-1001", pos, -1,
                    "input has " + n + " bytes, shorter than the 128-byte preamble and \"DICM\" of a Part 10 file (PS3.10 7.1)");
        }
        if (preamble[128] != 'D' || preamble[129] != 'I' || preamble[130] != 'C' || preamble[131] != 'M') {
            throw new DicomParseException("HZ-1002", 128, -1,
                    "not a DICOM Part 10 file: bytes 128-131 are not \"DICM\" (PS3.10 7.1)" + lookalike(preamble));
        }
        DataSet.Builder meta = new DataSet.Builder();
        // Group 0002 is Explicit VR Little Endian whatever the data set's syntax (PS3.10 7.1).
        while (true) {
            byte[] peek = new byte[4];
            int m = in.readNBytes(peek, 0, 4);
            if (m > 0) {
                in.unread(peek, 0, m);
            }
            if (m < 4 || ((peek[0] & 0xFF) | (peek[1] & 0xFF) << 8) != 0x0002) {
                break;
            }
            long at = pos;
            int tag = readTag(false);
            DicomElement e = readElement(tag, at, true, false, meta, 0, false);
            meta.add(e);
        }
        DataSet metaSet = meta.build();
        if (metaSet.isEmpty()) {
            throw new DicomParseException("HZ-1004", pos, -1,
                    "no File Meta Information (group 0002) after \"DICM\": the input ends or another group follows");
        }
        if (!metaSet.contains(Tag.TransferSyntaxUID)) {
            throw new DicomParseException("HZ-1003", pos, Tag.TransferSyntaxUID,
                    "file meta information has no Transfer Syntax UID (PS3.10 7.1)");
        }
        String tsUid;
        FileMetaInfo info;
        try {
            tsUid = metaSet.getString(Tag.TransferSyntaxUID).orElse("");
            info = FileMetaInfo.fromDataSet(metaSet);
        } catch (DicomValueException e) {
            throw new DicomParseException("HZ-1004", pos, e.tag(), "malformed file meta information: " + e.getMessage(), e);
        }
        if (tsUid.isEmpty()) {
            throw new DicomParseException("HZ-1004", pos, Tag.TransferSyntaxUID, "Transfer Syntax UID is empty");
        }
        long start = pos;
        DataSet body = readBody(TransferSyntax.of(tsUid), SpecificCharacterSet.DEFAULT);
        return new Part10File(info, metaSet, body, start, pixelDataOffset, stopped);
    }

    /** A hint for the error message: what the input looks like instead. */
    private static String lookalike(byte[] head) {
        int b0 = head[0] & 0xFF;
        int b1 = head[1] & 0xFF;
        if (b0 == 0x1F && b1 == 0x8B) {
            return "; it is gzip-compressed data";
        }
        if (b0 == 0xFF && b1 == 0xD8) {
            return "; it is a JPEG image";
        }
        if (b0 == 'P' && b1 == 'K') {
            return "; it is a ZIP archive";
        }
        if (b0 == '<') {
            return "; it looks like XML";
        }
        for (int i = 0; i < 4; i++) {
            // An explicit VR element of group 0008 near the start: "08 00 ee ee V R".
            boolean tag = (head[i] == 0x08 || head[i] == 0x02) && head[i + 1] == 0;
            boolean vr = Character.isUpperCase(head[i + 4]) && Character.isUpperCase(head[i + 5]);
            if (tag && (vr || head[i + 3] == 0)) {
                return "; it looks like a data set without the Part 10 preamble (read it with readDataSet and a transfer syntax)";
            }
        }
        return "";
    }

    private DataSet readBody(TransferSyntax ts, SpecificCharacterSet charset) throws IOException {
        if (ts.deflated()) {
            switchToInflater();
        }
        dataSetStart = pos;
        DataSet.Builder b = new DataSet.Builder(charset);
        readItemContent(b, -1, ts.explicitVr(), ts.bigEndian(), 0, true);
        return b.build();
    }

    private void switchToInflater() throws IOException {
        byte[] head = new byte[2];
        int n = in.readNBytes(head, 0, 2);
        if (n > 0) {
            in.unread(head, 0, n);
        }
        // A few writers emit a zlib wrapper although PS3.5 A.5 says raw deflate (RFC 1951).
        boolean zlib = n == 2 && (head[0] & 0x0F) == 8 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0;
        InflaterInputStream inflated = new InflaterInputStream(in, new Inflater(!zlib), 64 * 1024);
        // Buffered: the parser reads headers a byte at a time, and each single-byte read of an
        // InflaterInputStream is a call into the inflater (a deflated ECG parsed 10x slower).
        swapInput(new BufferedInputStream(inflated, 64 * 1024));
        deflatedInput = true;
        end = -1;
        pos = 0;
    }

    private PushbackInputStream source;

    private void swapInput(InputStream s) {
        source = new PushbackInputStream(s, 8);
    }

    private PushbackInputStream src() {
        return source != null ? source : in;
    }

    // ---------------------------------------------------------------- data sets and items

    /**
     * Reads elements into {@code b} until {@code limit} (absolute position) for defined length,
     * or an Item Delimitation Item (undefined length items), or the end of input (top level).
     */
    private void readItemContent(DataSet.Builder b, long limit, boolean explicit, boolean big, int depth,
                                 boolean topLevel) throws IOException {
        while (true) {
            if (limit >= 0) {
                if (pos == limit) {
                    return;
                }
                if (pos > limit) {
                    throw new DicomParseException("HZ-1033", pos, -1, "element runs " + (pos - limit)
                            + " bytes past the end of its item");
                }
            } else if (topLevel && atEnd()) {
                return;
            }
            long at = pos;
            int tag = readTag(big);
            if (tag == ITEM_DELIMITATION) {
                readUInt32(big, tag);
                if (topLevel || limit >= 0) {
                    throw new DicomParseException("HZ-1032", at, tag, "Item Delimitation Item outside an item of undefined length");
                }
                return;
            }
            if (tag == ITEM || tag == SEQUENCE_DELIMITATION) {
                throw new DicomParseException("HZ-1032", at, tag, "item or sequence delimiter where a data element was expected");
            }
            if (topLevel && (tag == Tag.PixelData || tag == Tag.FloatPixelData || tag == Tag.DoubleFloatPixelData)
                    && pixelDataOffset < 0) {
                pixelDataOffset = at;
            }
            if (topLevel && pixelDataOffset < 0 && at - dataSetStart > options.limits().maxHeaderBytes()) {
                throw new DicomParseException("HZ-1042", at, tag, "header exceeds " + options.limits().maxHeaderBytes()
                        + " bytes before Pixel Data");
            }
            DicomElement e = readElement(tag, at, explicit, big, b, depth, topLevel);
            if (e == null) {
                stopped = true;
                return;
            }
            b.add(e);
        }
    }

    /** Reads one element after its tag; null when reading stops before Pixel Data. */
    private DicomElement readElement(int tag, long at, boolean explicit, boolean big, DataSet.Builder parent, int depth,
                                     boolean topLevel) throws IOException {
        if (++elementCount > options.limits().maxElements()) {
            throw new DicomParseException("HZ-1040", at, tag, "more than " + options.limits().maxElements() + " elements");
        }
        VR vr;
        long length;
        if (explicit) {
            int b0 = readByte(tag);
            int b1 = readByte(tag);
            VR v = VR.fromCode(b0, b1).orElse(null);
            if (v == null) {
                throw new DicomParseException("HZ-1020", at + 4, tag, String.format(
                        "unknown VR bytes 0x%02X 0x%02X (PS3.5 Table 6.2-1)", b0, b1));
            }
            vr = v;
            if (vr.hasLongLength()) {
                readByte(tag);
                readByte(tag);
                length = readUInt32(big, tag);
            } else {
                length = readUInt16(big, tag);
            }
        } else {
            length = readUInt32(big, tag);
            vr = implicitVr(tag, parent);
        }
        boolean pixelData = tag == Tag.PixelData || tag == Tag.FloatPixelData || tag == Tag.DoubleFloatPixelData;
        if (topLevel && pixelData && options.stopBeforePixelData()) {
            return null;
        }
        if (length == UNDEFINED) {
            if (vr == VR.SQ) {
                return new DicomElement(tag, VR.SQ, new Value.Sequence(
                        readSequenceItems(tag, -1, explicit, big, parent.charset(), depth + 1)));
            }
            if (vr == VR.UN) {
                // CP-246: an undefined length UN is a sequence in Implicit VR Little Endian.
                return new DicomElement(tag, VR.SQ, new Value.Sequence(
                        readSequenceItems(tag, -1, false, false, parent.charset(), depth + 1)));
            }
            if (pixelData && (vr == VR.OB || vr == VR.OW)) {
                // Encapsulated Pixel Data is OB whatever the writer put (PS3.5 A.4).
                return new DicomElement(tag, VR.OB, readFragments(tag, big));
            }
            throw new DicomParseException("HZ-1013", at, tag, "undefined length not allowed for VR " + vr + " (PS3.5 7.1.1)");
        }
        if (vr == VR.SQ) {
            long limit = checkedEnd(tag, length);
            return new DicomElement(tag, VR.SQ, new Value.Sequence(
                    readSequenceItems(tag, limit, explicit, big, parent.charset(), depth + 1)));
        }
        return new DicomElement(tag, vr, readValue(tag, vr, length, big, pixelData));
    }

    /** The VR of an Implicit VR element: dictionary, with PS3.5 A.1 rules for the ambiguous ones. */
    private static VR implicitVr(int tag, DataSet.Builder parent) {
        if (tag == Tag.PixelData) {
            return VR.OW;
        }
        VR vr = ElementDictionary.vrOf(tag);
        if (vr == VR.US) {
            String vrs = ElementDictionary.entryOf(tag).map(ElementDictionary.Entry::vrs).orElse("US");
            if (vrs.startsWith("US or SS")) {
                // Pixel-value attributes follow Pixel Representation (0028,0103): 1 = signed.
                try {
                    DataSet probe = parent.build();
                    if (probe.getInt(Tag.PixelRepresentation).orElse(0) == 1 && !vrs.contains("OW")) {
                        return VR.SS;
                    }
                } catch (DicomValueException corrupt) {
                    return VR.US; // a corrupt Pixel Representation: keep the unsigned default
                }
            }
        }
        return vr;
    }

    private List<DataSet> readSequenceItems(int seqTag, long limit, boolean explicit, boolean big,
                                            SpecificCharacterSet charset, int depth) throws IOException {
        if (depth > options.limits().maxSequenceDepth()) {
            throw new DicomParseException("HZ-1030", pos, seqTag, "sequences nested deeper than "
                    + options.limits().maxSequenceDepth());
        }
        List<DataSet> items = new ArrayList<>();
        while (true) {
            if (limit >= 0) {
                if (pos == limit) {
                    return items;
                }
                if (pos > limit) {
                    throw new DicomParseException("HZ-1033", pos, seqTag, "item runs past the end of its sequence");
                }
            }
            long at = pos;
            int tag = readTag(big);
            long length = readUInt32(big, tag);
            if (tag == SEQUENCE_DELIMITATION) {
                if (limit >= 0) {
                    throw new DicomParseException("HZ-1032", at, seqTag, "Sequence Delimitation Item in a sequence of defined length");
                }
                return items;
            }
            if (tag != ITEM) {
                throw new DicomParseException("HZ-1031", at, seqTag, String.format(
                        "expected an Item (FFFE,E000) in the sequence but found %s", Tag.toString(tag)));
            }
            if (++elementCount > options.limits().maxElements()) {
                throw new DicomParseException("HZ-1040", at, seqTag, "more than " + options.limits().maxElements() + " elements");
            }
            DataSet.Builder item = new DataSet.Builder(charset);
            if (length == UNDEFINED) {
                readItemContent(item, -1, explicit, big, depth, false);
            } else {
                long itemEnd = checkedEnd(seqTag, length);
                if (limit >= 0 && itemEnd > limit) {
                    throw new DicomParseException("HZ-1033", at, seqTag, "item of " + length
                            + " bytes runs past the end of its sequence");
                }
                readItemContent(item, itemEnd, explicit, big, depth, false);
            }
            items.add(item.build());
        }
    }

    private Fragments readFragments(int tag, boolean big) throws IOException {
        List<Value> items = new ArrayList<>();
        while (true) {
            long at = pos;
            int itemTag = readTag(big);
            long length = readUInt32(big, tag);
            if (itemTag == SEQUENCE_DELIMITATION) {
                return new Fragments(items);
            }
            if (itemTag != ITEM) {
                throw new DicomParseException("HZ-1031", at, tag, String.format(
                        "expected a fragment Item (FFFE,E000) in encapsulated pixel data but found %s", Tag.toString(itemTag)));
            }
            if (length == UNDEFINED) {
                throw new DicomParseException("HZ-1013", at, tag, "fragment item with undefined length (PS3.5 A.4)");
            }
            if (items.size() >= options.limits().maxFragments()) {
                throw new DicomParseException("HZ-1041", at, tag, "more than " + options.limits().maxFragments() + " fragments");
            }
            boolean offsetTable = items.isEmpty();
            items.add(readValue(tag, VR.OB, length, big, !offsetTable));
        }
    }

    // ---------------------------------------------------------------- values

    private Value readValue(int tag, VR vr, long length, boolean big, boolean bulkCandidate) throws IOException {
        long at = pos;
        if (end >= 0 && length > end - pos) {
            throw new DicomParseException("HZ-1011", at, tag, "value length " + length + " exceeds the " + (end - pos)
                    + " bytes left in the input");
        }
        boolean reference = options.bulkDataMode() == ReadOptions.BulkDataMode.REFERENCE && file != null
                && !deflatedInput && (bulkCandidate || length > options.bulkDataThreshold());
        if (reference) {
            skipFully(length, tag);
            return new BulkData(file, at, length, big && vr.swapUnit() > 1);
        }
        if (length > options.limits().maxElementLength()) {
            throw new DicomParseException("HZ-1012", at, tag, "value length " + length + " exceeds the limit of "
                    + options.limits().maxElementLength() + " bytes");
        }
        byte[] bytes = readBytes(length, tag);
        if (big && vr.swapUnit() > 1) {
            swap(bytes, vr.swapUnit());
        }
        return Value.Bytes.of(bytes);
    }

    static void swap(byte[] b, int unit) {
        for (int i = 0; i + unit <= b.length; i += unit) {
            for (int j = 0; j < unit / 2; j++) {
                byte t = b[i + j];
                b[i + j] = b[i + unit - 1 - j];
                b[i + unit - 1 - j] = t;
            }
        }
    }

    private long checkedEnd(int tag, long length) throws DicomParseException {
        if (end >= 0 && length > end - pos) {
            throw new DicomParseException("HZ-1011", pos, tag, "length " + length + " exceeds the " + (end - pos)
                    + " bytes left in the input");
        }
        return pos + length;
    }

    // ---------------------------------------------------------------- primitive input

    private boolean atEnd() throws IOException {
        if (end >= 0) {
            return pos >= end;
        }
        int b = readRaw();
        if (b < 0) {
            return true;
        }
        src().unread(b);
        return false;
    }

    private int readRaw() throws IOException {
        try {
            return src().read();
        } catch (ZipException z) {
            throw new DicomParseException("HZ-1050", pos, -1, "corrupt deflated data: " + z.getMessage(), z);
        } catch (EOFException eof) {
            throw new DicomParseException("HZ-1050", pos, -1, "deflated data end before the deflate stream does: "
                    + eof.getMessage(), eof);
        }
    }

    private int readByte(int tag) throws IOException {
        int b = readRaw();
        if (b < 0) {
            throw new DicomParseException("HZ-1010", pos, tag, "input ends inside an element header");
        }
        pos++;
        return b;
    }

    private int readTag(boolean big) throws IOException {
        int g = readUInt16(big, -1);
        int e = readUInt16(big, -1);
        return (g << 16) | e;
    }

    private int readUInt16(boolean big, int tag) throws IOException {
        int a = readByte(tag);
        int b = readByte(tag);
        return big ? (a << 8) | b : (b << 8) | a;
    }

    private long readUInt32(boolean big, int tag) throws IOException {
        long a = readByte(tag);
        long b = readByte(tag);
        long c = readByte(tag);
        long d = readByte(tag);
        return big ? (a << 24) | (b << 16) | (c << 8) | d : (d << 24) | (c << 16) | (b << 8) | a;
    }

    private byte[] readBytes(long length, int tag) throws IOException {
        long at = pos;
        try {
            if (end >= 0 || length <= CHUNK) {
                byte[] b = new byte[(int) length];
                int n = src().readNBytes(b, 0, b.length);
                pos += n;
                if (n < length) {
                    throw new DicomParseException("HZ-1010", pos, tag, "input ends " + (length - n)
                            + " bytes into a value of " + length + " bytes (offset " + at + ")");
                }
                return b;
            }
            // Unknown remaining input: grow with the bytes that actually arrive.
            ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK);
            byte[] chunk = new byte[CHUNK];
            long left = length;
            while (left > 0) {
                int n = src().readNBytes(chunk, 0, (int) Math.min(CHUNK, left));
                pos += n;
                out.write(chunk, 0, n);
                left -= n;
                if (n == 0) {
                    throw new DicomParseException("HZ-1010", pos, tag, "input ends " + left
                            + " bytes before the end of a value of " + length + " bytes (offset " + at + ")");
                }
            }
            return out.toByteArray();
        } catch (ZipException z) {
            throw new DicomParseException("HZ-1050", pos, tag, "corrupt deflated data: " + z.getMessage(), z);
        } catch (EOFException eof) {
            throw new DicomParseException(deflatedInput ? "HZ-1050" : "HZ-1010", pos, tag,
                    "input ends inside a value: " + eof.getMessage(), eof);
        }
    }

    private void skipFully(long length, int tag) throws IOException {
        try {
            src().skipNBytes(length);
            pos += length;
        } catch (EOFException eof) {
            throw new DicomParseException("HZ-1010", pos, tag, "input ends inside a value of " + length + " bytes");
        }
    }
}
