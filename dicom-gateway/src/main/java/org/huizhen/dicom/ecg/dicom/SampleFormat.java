package org.huizhen.dicom.ecg.dicom;

import org.huizhen.dicom.ecg.EcgParseException;

/**
 * How one waveform sample is encoded: Waveform Bits Allocated (5400,1004) with Waveform Sample
 * Interpretation (5400,1006), PS3.3 C.10.9.1.5. Samples are read from Little Endian bytes (the
 * Part 10 reader converts OW values of a Big Endian file to Little Endian).
 *
 * <p>SB/UB/SS/US/SL/UL are two's-complement or unsigned integers; MB and AB are 8-bit
 * ITU-T G.711 µ-law and A-law codes, expanded to their 14-/13-bit linear values (G.711 tables 1
 * and 2), which DICOM allows for audio but a cart could in principle use.
 *
 * <p>Immutable; thread-safe.
 */
enum SampleFormat {
    SB(1), UB(1), MB(1), AB(1), SS(2), US(2), SL(4), UL(4);

    private final int bytes;

    SampleFormat(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per sample. */
    int bytes() {
        return bytes;
    }

    /** The format for these attribute values, or HZ-7004 for a combination C.10.9.1.5 does not define. */
    static SampleFormat of(int bitsAllocated, String interpretation, String where) throws EcgParseException {
        SampleFormat f;
        try {
            f = valueOf(interpretation.strip());
        } catch (IllegalArgumentException e) {
            throw new EcgParseException("HZ-7004 DICOM ECG " + where + ": Waveform Sample Interpretation '"
                    + interpretation + "' is not one of SB, UB, MB, AB, SS, US, SL, UL (PS3.3 C.10.9.1.5)");
        }
        if (f.bytes * 8 != bitsAllocated) {
            throw new EcgParseException("HZ-7004 DICOM ECG " + where + ": Waveform Bits Allocated " + bitsAllocated
                    + " does not match sample interpretation " + f + " (" + f.bytes * 8 + " bits, PS3.3 C.10.9.1.5)");
        }
        return f;
    }

    /** Sample number {@code index} (interleaved order) of {@code data}, Little Endian. */
    long sample(byte[] data, long index) {
        int i = (int) (index * bytes);
        return switch (this) {
            case SB -> data[i];
            case UB -> data[i] & 0xFF;
            case MB -> ulaw(data[i] & 0xFF);
            case AB -> alaw(data[i] & 0xFF);
            case SS -> (short) ((data[i] & 0xFF) | (data[i + 1] << 8));
            case US -> (data[i] & 0xFF) | ((data[i + 1] & 0xFF) << 8);
            case SL -> (data[i] & 0xFF) | ((data[i + 1] & 0xFF) << 8) | ((data[i + 2] & 0xFF) << 16) | (data[i + 3] << 24);
            case UL -> ((data[i] & 0xFFL) | ((data[i + 1] & 0xFFL) << 8) | ((data[i + 2] & 0xFFL) << 16)
                    | ((data[i + 3] & 0xFFL) << 24));
        };
    }

    /** G.711 µ-law expansion: the code is stored inverted; segment e and mantissa m give ((2m+33)·2^e − 33). */
    static int ulaw(int code) {
        int c = ~code & 0xFF;
        int exponent = (c >> 4) & 0x07;
        int mantissa = c & 0x0F;
        int magnitude = (((mantissa << 1) + 33) << exponent) - 33;
        return (c & 0x80) != 0 ? -magnitude : magnitude;
    }

    /** G.711 A-law expansion: even bits are inverted (XOR 0x55); segment 0 is linear. */
    static int alaw(int code) {
        int c = code ^ 0x55;
        int exponent = (c >> 4) & 0x07;
        int mantissa = c & 0x0F;
        int magnitude = exponent == 0 ? (mantissa << 1) + 1 : ((mantissa << 1) + 33) << (exponent - 1);
        return (c & 0x80) != 0 ? magnitude : -magnitude;
    }
}
