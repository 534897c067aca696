package org.huizhen.dicom.web;

/**
 * Limits a {@link MultipartParser} enforces while it reads a body; each one, when exceeded, gives
 * a {@link DicomWebException} naming it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxHeaderBytes the longest header block of one part, in bytes, CRLFs included
 *                       (exceeded: 400, HZ-5204)
 * @param maxParts       the most parts in one body (exceeded: 413, HZ-5207)
 * @param maxPartBytes   the longest body of one part, in bytes (exceeded: 413, HZ-5208)
 */
public record MultipartLimits(int maxHeaderBytes, int maxParts, long maxPartBytes) {

    /** 16 KiB of headers per part, 100,000 parts, 4 GiB per part: room for a large CT series in one STOW-RS request. */
    public static final MultipartLimits DEFAULT = new MultipartLimits(16 * 1024, 100_000, 4L << 30);

    public MultipartLimits {
        if (maxHeaderBytes < 64 || maxParts < 1 || maxPartBytes < 0) {
            throw new IllegalArgumentException("HZ-5223 unusable multipart limits: " + maxHeaderBytes + ", "
                    + maxParts + ", " + maxPartBytes);
        }
    }

    /** A copy with another header limit. */
    public MultipartLimits withMaxHeaderBytes(int v) {
        return new MultipartLimits(v, maxParts, maxPartBytes);
    }

    /** A copy with another part count limit. */
    public MultipartLimits withMaxParts(int v) {
        return new MultipartLimits(maxHeaderBytes, v, maxPartBytes);
    }

    /** A copy with another part size limit. */
    public MultipartLimits withMaxPartBytes(long v) {
        return new MultipartLimits(maxHeaderBytes, maxParts, v);
    }
}
