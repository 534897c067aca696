package org.huizhen.dicom.io;

import java.util.Objects;

/**
 * How {@link DicomReader} reads a data set.
 *
 * <p>Immutable; thread-safe.
 *
 * @param limits              the decode limits
 * @param stopBeforePixelData stop at the top-level Pixel Data element (7FE0,0008/0009/0010)
 *                            after its header, without reading the value or anything after it
 * @param bulkDataMode        {@link BulkDataMode#INLINE} keeps every value in the heap;
 *                            {@link BulkDataMode#REFERENCE} leaves Pixel Data, fragments and any
 *                            value longer than {@code bulkDataThreshold} in the file (only when
 *                            reading a file that is not deflated; otherwise values stay inline)
 * @param bulkDataThreshold   values longer than this many bytes become references in
 *                            REFERENCE mode
 */
public record ReadOptions(DecodeLimits limits, boolean stopBeforePixelData, BulkDataMode bulkDataMode,
                          long bulkDataThreshold) {

    /** Where large values go. */
    public enum BulkDataMode { INLINE, REFERENCE }

    /** Default threshold for REFERENCE mode: 64 KiB. */
    public static final long DEFAULT_BULK_DATA_THRESHOLD = 64 * 1024;

    /** Everything inline, default limits. */
    public static final ReadOptions DEFAULT = new ReadOptions(DecodeLimits.DEFAULT, false, BulkDataMode.INLINE,
            DEFAULT_BULK_DATA_THRESHOLD);

    public ReadOptions {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(bulkDataMode, "bulkDataMode");
    }

    /** A copy with other limits. */
    public ReadOptions withLimits(DecodeLimits l) {
        return new ReadOptions(l, stopBeforePixelData, bulkDataMode, bulkDataThreshold);
    }

    /** A copy that stops before Pixel Data or not. */
    public ReadOptions withStopBeforePixelData(boolean stop) {
        return new ReadOptions(limits, stop, bulkDataMode, bulkDataThreshold);
    }

    /** A copy that leaves bulk data in the file above {@code threshold} bytes. */
    public ReadOptions withBulkDataReferences(long threshold) {
        return new ReadOptions(limits, stopBeforePixelData, BulkDataMode.REFERENCE, threshold);
    }
}
