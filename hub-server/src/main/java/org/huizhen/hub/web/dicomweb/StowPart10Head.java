package org.huizhen.hub.web.dicomweb;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the end of the File Meta Information at the start of a streamed STOW-RS part (PS3.10
 * 7.1: 128-byte preamble, "DICM", then group 0002 elements in Explicit VR Little Endian, PS3.5
 * 7.1.2) without holding more than the meta group: bytes are collected only until the first
 * element of another group begins, picking the three UIDs ingest needs on the way; everything
 * after the group is the data set, passed on as it comes (whatever its transfer syntax, deflated
 * included: the meta group itself is never compressed).
 *
 * <p>Limit: at most {@link #MAX_META_BYTES} bytes of preamble and meta group; a part whose meta
 * group is longer (or that never leaves group 0002) is not a usable Part 10 file.
 *
 * <p>Not thread-safe: one part, fed from the request's event loop.
 */
final class StowPart10Head {
    /** Preamble, "DICM" and group 0002 together may not exceed this many bytes. */
    static final int MAX_META_BYTES = 64 * 1024;
    private static final int PREAMBLE = 132;

    /** What {@link #feed} found. */
    sealed interface Step {
    }

    /** More bytes are needed. */
    record NeedMore() implements Step {
    }

    /**
     * The meta group is complete.
     *
     * @param sopClassUid       Media Storage SOP Class UID (0002,0002)
     * @param sopInstanceUid    Media Storage SOP Instance UID (0002,0003)
     * @param transferSyntaxUid Transfer Syntax UID (0002,0010) of the data set
     * @param dataSetStart      the data-set bytes that arrived with the meta group (maybe empty)
     */
    record Complete(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, Buffer dataSetStart)
            implements Step {
    }

    /** Not a Part 10 file: a {@code HZ-} coded reason. */
    record Invalid(String reason) implements Step {
    }

    private byte[] buf = new byte[1024];
    private int have;
    /** Offset of the next group 0002 element header to look at. */
    private int pos = PREAMBLE;
    private boolean done;
    private String sopClass;
    private String sopInstance;
    private String transferSyntax;

    /** Adds the next bytes of the part. After a {@link Complete} or {@link Invalid} it must not be fed again. */
    Step feed(Buffer chunk) {
        if (done) {
            throw new IllegalStateException("HZ-5640 the meta header was already complete");
        }
        int room = Math.min(chunk.length(), MAX_META_BYTES + 16 - have);
        if (have + room > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, have + room));
        }
        chunk.getBytes(0, room, buf, have);
        have += room;
        Step step = scan(false);
        if (step instanceof Complete c && room < chunk.length()) {
            // bytes of this chunk beyond what was copied belong to the data set too
            return new Complete(c.sopClassUid(), c.sopInstanceUid(), c.transferSyntaxUid(),
                    c.dataSetStart().appendBuffer(chunk.getBuffer(room, chunk.length())));
        }
        return step;
    }

    /** The part ended: a file that is only a meta group (or shorter) has no data set to store. */
    Step end() {
        if (done) {
            throw new IllegalStateException("HZ-5640 the meta header was already complete");
        }
        return scan(true);
    }

    private Step scan(boolean atEnd) {
        if (have < PREAMBLE) {
            return atEnd ? invalid("HZ-5641 the part has " + have + " bytes, fewer than the 128-byte preamble"
                    + " and \"DICM\" of a Part 10 file (PS3.10 7.1)") : new NeedMore();
        }
        if (buf[128] != 'D' || buf[129] != 'I' || buf[130] != 'C' || buf[131] != 'M') {
            return invalid("HZ-5642 the part is not a DICOM Part 10 file: bytes 128-131 are not \"DICM\" (PS3.10 7.1)");
        }
        while (true) {
            if (pos > MAX_META_BYTES) {
                return invalid("HZ-5643 the File Meta Information is longer than " + MAX_META_BYTES + " bytes");
            }
            if (have - pos < 2) {
                return atEnd ? finish() : new NeedMore();
            }
            int group = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
            if (group != 0x0002) {
                return finish();
            }
            if (have - pos < 8) {
                return atEnd ? finish() : new NeedMore();
            }
            boolean longForm = longVr((char) buf[pos + 4], (char) buf[pos + 5]);
            int header = longForm ? 12 : 8;
            if (have - pos < header) {
                return atEnd ? finish() : new NeedMore();
            }
            long length = longForm
                    ? ((buf[pos + 8] & 0xFFL) | (buf[pos + 9] & 0xFFL) << 8 | (buf[pos + 10] & 0xFFL) << 16 | (buf[pos + 11] & 0xFFL) << 24)
                    : ((buf[pos + 6] & 0xFF) | (buf[pos + 7] & 0xFF) << 8);
            long next = pos + header + length;
            if (next > MAX_META_BYTES) {
                return invalid("HZ-5643 the File Meta Information is longer than " + MAX_META_BYTES + " bytes");
            }
            if (next > have) {
                return atEnd ? finish() : new NeedMore();
            }
            int element = (buf[pos + 2] & 0xFF) | (buf[pos + 3] & 0xFF) << 8;
            String text = uid(pos + header, (int) length);
            switch (element) {
                case 0x0002 -> sopClass = text;
                case 0x0003 -> sopInstance = text;
                case 0x0010 -> transferSyntax = text;
                default -> { }
            }
            pos = (int) next;
        }
    }

    /** The meta group ends at {@code pos}: its three UIDs are required (PS3.10 7.1, Type 1). */
    private Step finish() {
        done = true;
        if (pos >= have) {
            return new Invalid("HZ-5644 the part holds File Meta Information but no data set");
        }
        if (blank(sopClass) || blank(sopInstance) || blank(transferSyntax)) {
            return new Invalid("HZ-5645 the File Meta Information lacks Media Storage SOP Class UID, Media Storage"
                    + " SOP Instance UID or Transfer Syntax UID (PS3.10 7.1)");
        }
        return new Complete(sopClass, sopInstance, transferSyntax, Buffer.buffer(Arrays.copyOfRange(buf, pos, have)));
    }

    /** A UI value: ASCII, padded with NUL to even length (PS3.5 6.2). */
    private String uid(int offset, int length) {
        return new String(buf, offset, length, StandardCharsets.US_ASCII).replace("\0", "").strip();
    }

    private Step invalid(String reason) {
        done = true;
        return new Invalid(reason);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Explicit VR Little Endian VRs with a reserved field and a 4-byte length (PS3.5 7.1.2). */
    private static boolean longVr(char a, char b) {
        return switch ("" + a + b) {
            case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" -> true;
            default -> false;
        };
    }
}
