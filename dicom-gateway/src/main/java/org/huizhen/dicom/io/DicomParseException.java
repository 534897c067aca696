package org.huizhen.dicom.io;

import java.io.IOException;

import org.huizhen.dicom.data.ElementDictionary;
import org.huizhen.dicom.data.Tag;

/**
 * The input is not a well-formed DICOM stream. The message reads
 * {@code "HZ-10xx at byte <offset>, tag (gggg,eeee) Keyword: what is wrong"}; the code is
 * unique per kind of defect so it can be searched for.
 *
 * <p>An {@link IOException} because it is the input's content, not the program, that is at
 * fault, and callers already handle I/O failure when reading.
 *
 * <p>Codes: HZ-1001 input shorter than the Part 10 preamble; HZ-1002 no "DICM" prefix;
 * HZ-1003 file meta information without Transfer Syntax UID; HZ-1004 malformed file meta
 * information; HZ-1010 input ends inside an element; HZ-1011 value longer than the bytes
 * left; HZ-1012 value longer than {@link DecodeLimits#maxElementLength()}; HZ-1013 undefined
 * length where PS3.5 forbids it; HZ-1020 unknown VR; HZ-1030 sequence nesting too deep;
 * HZ-1031 an item expected but another tag found; HZ-1032 delimiter out of place; HZ-1033
 * item or element runs past its container's end; HZ-1040 too many elements; HZ-1041 too
 * many fragments; HZ-1042 header larger than {@link DecodeLimits#maxHeaderBytes()};
 * HZ-1050 corrupt deflated data.
 */
public final class DicomParseException extends IOException {

    private final String code;
    private final long offset;
    private final int tag;

    /**
     * @param code   the HZ-10xx code
     * @param offset byte offset in the input (in the inflated stream for deflated data sets)
     * @param tag    the tag being read, or -1 when none is known yet
     */
    public DicomParseException(String code, long offset, int tag, String message) {
        this(code, offset, tag, message, null);
    }

    public DicomParseException(String code, long offset, int tag, String message, Throwable cause) {
        super(code + " at byte " + offset + (tag == -1 ? "" : ", tag " + Tag.toString(tag)
                + ElementDictionary.keywordOf(tag).map(k -> " " + k).orElse("")) + ": " + message, cause);
        this.code = code;
        this.offset = offset;
        this.tag = tag;
    }

    /** The code, e.g. "HZ-1011". */
    public String code() {
        return code;
    }

    /** Byte offset where the defect was found. */
    public long offset() {
        return offset;
    }

    /** The tag being read, or -1. */
    public int tag() {
        return tag;
    }
}
