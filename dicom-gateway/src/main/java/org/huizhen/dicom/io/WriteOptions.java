package org.huizhen.dicom.io;

import java.util.Objects;

/**
 * How {@link DicomWriter} encodes sequences and deflated data.
 *
 * <p>Immutable; thread-safe.
 *
 * @param sequenceLength  UNDEFINED writes sequences and items with undefined length and
 *                        delimitation items; DEFINED computes explicit lengths (PS3.5 7.5)
 * @param deflateLevel    java.util.zip level 0-9 for Deflated Explicit VR Little Endian
 */
public record WriteOptions(SequenceLength sequenceLength, int deflateLevel) {

    /** Length encoding of sequences and items. */
    public enum SequenceLength { UNDEFINED, DEFINED }

    /** Undefined length sequences, default deflate level. */
    public static final WriteOptions DEFAULT = new WriteOptions(SequenceLength.UNDEFINED, 6);

    public WriteOptions {
        Objects.requireNonNull(sequenceLength, "sequenceLength");
        if (deflateLevel < 0 || deflateLevel > 9) {
            throw new IllegalArgumentException("HZ-1120 deflate level must be 0-9, not " + deflateLevel);
        }
    }

    /** A copy with another sequence length encoding. */
    public WriteOptions withSequenceLength(SequenceLength s) {
        return new WriteOptions(s, deflateLevel);
    }
}
