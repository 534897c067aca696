package org.huizhen.dicom.ecg.scp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.huizhen.dicom.ecg.EcgParseException;

/**
 * The Huffman code tables of SCP-ECG section 2 (EN 1064:2005 5.5) and the decoder that turns a
 * section 5/6 lead's bit stream into integer values.
 *
 * <p>Each table is a list of code structures: prefix length (bits of the code itself), total
 * length (prefix plus the bits of a value that follows the prefix), a table-mode switch (1 = the
 * code stands for data, 0 = the code switches to the table whose number is the base value),
 * the base value (the value a data code stands for) and the base code. The base code is
 * stored with the code's first transmitted bit in the least significant position of the
 * 4-byte field (EN 1064 5.5.3 note on bit order), so it is bit-reversed into the MSB-first value
 * used for lookup here. When total length &gt; prefix length, the next (total − prefix) bits of
 * the stream are the value itself as a two's-complement number, MSB first — the default table
 * uses this for its 8-bit and 16-bit escapes. Section 2 with "number of tables" = 19999 means
 * the default table (EN 1064 Annex B / 5.5.2), built here by {@link #defaultTables()}.
 *
 * <p>Limits (a corrupt section must not allocate or loop without bound): at most
 * {@link #MAX_TABLES} tables, {@link #MAX_CODES} codes per table, prefixes of 1..16 bits
 * ({@link #MAX_PREFIX_BITS}), values of at most 32 bits. Decoding uses one 2^16-entry lookup per
 * table, so a decode step is a table read, and stops with HZ-7002 when the bit stream runs out,
 * meets a bit pattern no code matches, or switches tables without ever producing data.
 *
 * <p>Immutable and thread-safe once built.
 */
final class ScpHuffman {
    /** Tables in one section 2; EN 1064 puts no bound, real devices use 1. */
    static final int MAX_TABLES = 16;
    /** Codes in one table; the default table has 19. */
    static final int MAX_CODES = 256;
    /** Longest code prefix accepted (the lookup peeks 16 bits). */
    static final int MAX_PREFIX_BITS = 16;
    /** Section 2's "number of tables" value that selects the default table (EN 1064 5.5.2). */
    static final int DEFAULT_TABLE_MARKER = 19999;

    /** One code: prefix bits, trailing value bits, switch flag and base value. */
    record Code(int prefixBits, int valueBits, boolean data, int baseValue, int code) {
    }

    private static final ScpHuffman DEFAULT = buildDefault();

    private final List<List<Code>> tables;
    /** Per table: 2^16 entries, each the index of the code whose prefix the 16 peeked bits start with, or -1. */
    private final short[][] lookup;

    private ScpHuffman(List<List<Code>> tables, String where) throws EcgParseException {
        this.tables = tables;
        this.lookup = new short[tables.size()][];
        for (int t = 0; t < tables.size(); t++) {
            short[] l = new short[1 << MAX_PREFIX_BITS];
            Arrays.fill(l, (short) -1);
            List<Code> codes = tables.get(t);
            for (int c = 0; c < codes.size(); c++) {
                Code code = codes.get(c);
                int shift = MAX_PREFIX_BITS - code.prefixBits();
                int from = code.code() << shift;
                int to = (code.code() + 1) << shift;
                for (int i = from; i < to; i++) {
                    if (l[i] >= 0) {
                        throw new EcgParseException("HZ-7002 " + where + ": Huffman table " + (t + 1) + " is not prefix-free (code "
                                + (c + 1) + " overlaps code " + (l[i] + 1) + ")");
                    }
                    l[i] = (short) c;
                }
            }
            lookup[t] = l;
        }
    }

    /** The default table of EN 1064 (section 2 absent value 19999). */
    static ScpHuffman defaultTables() {
        return DEFAULT;
    }

    /**
     * The default table: 0 → "0"; ±1..±8 → "1" repeated k times, "0", then a sign bit (0 = +,
     * 1 = −) for k = 1..8 (lengths 3..10 bits); "1111111110" + an 8-bit value; "1111111111" + a
     * 16-bit value.
     */
    private static ScpHuffman buildDefault() {
        List<Code> codes = new ArrayList<>();
        codes.add(new Code(1, 0, true, 0, 0b0));
        for (int k = 1; k <= 8; k++) {
            int ones = (1 << k) - 1; // k leading 1 bits
            int base = ones << 2; // then "0" and a sign bit
            codes.add(new Code(k + 2, 0, true, k, base));
            codes.add(new Code(k + 2, 0, true, -k, base | 1));
        }
        codes.add(new Code(10, 8, true, 0, 0b1111111110));
        codes.add(new Code(10, 16, true, 0, 0b1111111111));
        try {
            return new ScpHuffman(List.of(List.copyOf(codes)), "default Huffman table");
        } catch (EcgParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses section 2's data part ({@code len} bytes from {@code off}).
     *
     * @throws EcgParseException HZ-7002 on a table that does not fit the section, too many
     *     tables or codes, a code longer than 16 bits, or a table that is not prefix-free
     */
    static ScpHuffman parse(byte[] b, int off, int len) throws EcgParseException {
        ScpBytes r = new ScpBytes(b, off, len, "SCP-ECG section 2");
        int nTables = r.u16(0);
        if (nTables == DEFAULT_TABLE_MARKER) {
            return DEFAULT;
        }
        if (nTables < 1 || nTables > MAX_TABLES) {
            throw new EcgParseException("HZ-7002 SCP-ECG section 2: " + nTables + " Huffman tables (1.." + MAX_TABLES
                    + " or " + DEFAULT_TABLE_MARKER + " for the default table expected)");
        }
        int pos = 2;
        List<List<Code>> tables = new ArrayList<>();
        for (int t = 0; t < nTables; t++) {
            int nCodes = r.u16(pos);
            pos += 2;
            if (nCodes < 1 || nCodes > MAX_CODES) {
                throw new EcgParseException("HZ-7002 SCP-ECG section 2: Huffman table " + (t + 1) + " has " + nCodes
                        + " codes (1.." + MAX_CODES + " expected)");
            }
            r.require(pos, nCodes * 9, "Huffman table " + (t + 1) + " (" + nCodes + " codes of 9 bytes)");
            List<Code> codes = new ArrayList<>(nCodes);
            for (int c = 0; c < nCodes; c++, pos += 9) {
                int prefix = r.u8(pos);
                int total = r.u8(pos + 1);
                int mode = r.u8(pos + 2);
                int base = r.i16(pos + 3);
                long stored = r.u32(pos + 5);
                String what = "SCP-ECG section 2: table " + (t + 1) + " code " + (c + 1);
                if (prefix < 1 || prefix > MAX_PREFIX_BITS) {
                    throw new EcgParseException("HZ-7002 " + what + " is " + prefix + " bits long (1.." + MAX_PREFIX_BITS
                            + " expected)");
                }
                if (total < prefix || total - prefix > 32) {
                    throw new EcgParseException("HZ-7002 " + what + ": total length " + total + " bits with a " + prefix
                            + "-bit prefix (prefix..prefix+32 expected)");
                }
                if (stored >>> prefix != 0) {
                    throw new EcgParseException("HZ-7002 " + what + ": base code 0x" + Long.toHexString(stored)
                            + " has bits beyond its " + prefix + "-bit length");
                }
                if (mode == 0 && (base < 1 || base > nTables)) {
                    throw new EcgParseException("HZ-7002 " + what + " switches to table " + base + " of " + nTables);
                }
                // first transmitted bit is the stored value's bit 0: reverse into MSB-first order
                int msbFirst = Integer.reverse((int) stored) >>> (32 - prefix);
                codes.add(new Code(prefix, total - prefix, mode != 0, base, msbFirst));
            }
            tables.add(List.copyOf(codes));
        }
        return new ScpHuffman(List.copyOf(tables), "SCP-ECG section 2");
    }

    /** The tables (for tests and diagnostics). */
    List<List<Code>> tables() {
        return tables;
    }

    /**
     * Decodes {@code count} values from the bit stream in {@code b[off, off+len)} (MSB of each
     * byte first), starting with table 1.
     *
     * @param where what is decoded, for messages ("section 6 lead V1")
     * @throws EcgParseException HZ-7002 when the stream ends before {@code count} values, holds
     *     a bit pattern no code matches, or switches tables in a loop
     */
    int[] decode(byte[] b, int off, int len, int count, String where) throws EcgParseException {
        // every code has at least one bit: a stream this short cannot hold count samples (and a
        // corrupt count must not allocate before the stream runs out)
        if (count > 8L * len) {
            throw new EcgParseException("HZ-7002 " + where + ": Huffman bit stream of " + len + " bytes cannot hold "
                    + count + " samples");
        }
        int[] out = new int[count];
        long limit = (long) len * 8;
        long bit = 0;
        int table = 0;
        int switchesInRow = 0;
        int n = 0;
        while (n < count) {
            if (bit >= limit) {
                throw new EcgParseException("HZ-7002 " + where + ": Huffman bit stream of " + len + " bytes ends after " + n
                        + " of " + count + " samples");
            }
            int peek = peek16(b, off, len, bit);
            int idx = lookup[table][peek];
            if (idx < 0) {
                throw new EcgParseException("HZ-7002 " + where + ": no Huffman code of table " + (table + 1)
                        + " matches the bits at bit offset " + bit + " (sample " + n + ")");
            }
            Code c = tables.get(table).get(idx);
            if (bit + c.prefixBits() + c.valueBits() > limit) {
                throw new EcgParseException("HZ-7002 " + where + ": Huffman bit stream of " + len + " bytes ends inside a code after "
                        + n + " of " + count + " samples");
            }
            bit += c.prefixBits();
            if (!c.data()) {
                if (++switchesInRow > tables.size()) {
                    throw new EcgParseException("HZ-7002 " + where + ": Huffman tables switch in a loop at bit offset " + bit);
                }
                table = c.baseValue() - 1;
                continue;
            }
            switchesInRow = 0;
            if (c.valueBits() > 0) {
                long v = readBits(b, off, bit, c.valueBits());
                bit += c.valueBits();
                // two's complement of valueBits width
                out[n++] = (int) ((v << (64 - c.valueBits())) >> (64 - c.valueBits()));
            } else {
                out[n++] = c.baseValue();
            }
        }
        return out;
    }

    /** The 16 bits starting at {@code bit}, zero-padded past the end. */
    private static int peek16(byte[] b, int off, int len, long bit) {
        int byteIdx = (int) (bit >>> 3);
        int v = 0;
        for (int i = 0; i < 3; i++) {
            v <<= 8;
            if (byteIdx + i < len) {
                v |= b[off + byteIdx + i] & 0xFF;
            }
        }
        return (v >>> (8 - (int) (bit & 7))) & 0xFFFF;
    }

    /** {@code n} (≤ 32) bits from {@code bit}, MSB first; the caller checked they are inside the stream. */
    private static long readBits(byte[] b, int off, long bit, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            long k = bit + i;
            int by = b[off + (int) (k >>> 3)] & 0xFF;
            v = (v << 1) | ((by >>> (7 - (int) (k & 7))) & 1);
        }
        return v;
    }
}
