package org.huizhen.dicom.io;

/**
 * Limits the reader enforces so that a corrupt or hostile input fails with a
 * {@link DicomParseException} instead of exhausting memory or time.
 *
 * <p>Independently of these limits, a length read from the input never allocates more than the
 * bytes known to be left in it; where that is unknown (a network or inflated stream) values
 * are read in chunks, so memory grows only with bytes actually received.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxElementLength   largest value length accepted for one element kept in the heap, in
 *                           bytes (values referenced as bulk data are not limited by it)
 * @param maxSequenceDepth   deepest nesting of sequences (1 = items of a top-level sequence)
 * @param maxHeaderBytes     largest byte offset, from the start of the data set, at which a
 *                           top-level element may start before Pixel Data has been met
 * @param maxElements        most data elements (all levels, items included) in one data set
 * @param maxFragments       most items of one encapsulated Pixel Data element
 */
public record DecodeLimits(long maxElementLength, int maxSequenceDepth, long maxHeaderBytes, int maxElements,
                           int maxFragments) {

    /** Default largest element kept in the heap: 512 MiB. */
    public static final long DEFAULT_MAX_ELEMENT_LENGTH = 512L << 20;
    /** Default deepest sequence nesting: 32 (real objects rarely go beyond 6). */
    public static final int DEFAULT_MAX_SEQUENCE_DEPTH = 32;
    /** Default header size before Pixel Data: 256 MiB. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 256L << 20;
    /** Default element count: 2,000,000. */
    public static final int DEFAULT_MAX_ELEMENTS = 2_000_000;
    /** Default fragment count: 1,000,000 (one per frame, plus the offset table). */
    public static final int DEFAULT_MAX_FRAGMENTS = 1_000_000;

    /** The defaults listed above. */
    public static final DecodeLimits DEFAULT = new DecodeLimits(DEFAULT_MAX_ELEMENT_LENGTH, DEFAULT_MAX_SEQUENCE_DEPTH,
            DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_FRAGMENTS);

    public DecodeLimits {
        if (maxElementLength < 0 || maxSequenceDepth < 0 || maxHeaderBytes < 0 || maxElements < 0 || maxFragments < 0) {
            throw new IllegalArgumentException("HZ-1099 decode limits must not be negative");
        }
    }

    /** A copy with another maximum element length. */
    public DecodeLimits withMaxElementLength(long v) {
        return new DecodeLimits(v, maxSequenceDepth, maxHeaderBytes, maxElements, maxFragments);
    }

    /** A copy with another maximum sequence depth. */
    public DecodeLimits withMaxSequenceDepth(int v) {
        return new DecodeLimits(maxElementLength, v, maxHeaderBytes, maxElements, maxFragments);
    }

    /** A copy with another maximum header size. */
    public DecodeLimits withMaxHeaderBytes(long v) {
        return new DecodeLimits(maxElementLength, maxSequenceDepth, v, maxElements, maxFragments);
    }

    /** A copy with another maximum element count. */
    public DecodeLimits withMaxElements(int v) {
        return new DecodeLimits(maxElementLength, maxSequenceDepth, maxHeaderBytes, v, maxFragments);
    }

    /** A copy with another maximum fragment count. */
    public DecodeLimits withMaxFragments(int v) {
        return new DecodeLimits(maxElementLength, maxSequenceDepth, maxHeaderBytes, maxElements, v);
    }
}
