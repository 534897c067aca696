package org.huizhen.dicom.data.charset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Test-only: the raw value bytes of the top-level elements of a small Part 10 file in
 * Explicit VR Little Endian (PS3.10 7.1, PS3.5 7.1.2), so the charset tests can read real
 * files before the project's own Part 10 reader exists. Stops at the first element of
 * undefined length; no sequences, no other transfer syntaxes. Single-threaded.
 */
final class ExplicitVrLeScan {

    /** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 table 7.1-1). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    private ExplicitVrLeScan() {
    }

    /** Tag (group << 16 | element) to raw value bytes, in file order. */
    static Map<Integer, byte[]> elements(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 132 || !"DICM".equals(new String(all, 128, 4, java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new IOException("not a Part 10 file: " + file);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(132);
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        while (buf.remaining() >= 8) {
            int group = buf.getShort() & 0xFFFF;
            int element = buf.getShort() & 0xFFFF;
            String vr = new String(new byte[] {buf.get(), buf.get()}, java.nio.charset.StandardCharsets.US_ASCII);
            long length;
            if (LONG_VRS.contains(vr)) {
                buf.getShort();
                length = buf.getInt() & 0xFFFFFFFFL;
            } else {
                length = buf.getShort() & 0xFFFF;
            }
            if (length == 0xFFFFFFFFL || length > buf.remaining()) {
                break;
            }
            int start = buf.position();
            out.put(group << 16 | element, Arrays.copyOfRange(all, start, start + (int) length));
            buf.position(start + (int) length);
        }
        return out;
    }
}
