package org.huizhen.dicom.web;

import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

/**
 * Turns a {@code BulkDataURI} met while {@link DicomJson} reads (PS3.18 F.2.6) back into a value:
 * for STOW-RS the URI names another part of the same multipart request (its Content-Location),
 * spooled to a file, so the answer is usually a {@link org.huizhen.dicom.data.BulkData}
 * reference; tests answer from a map.
 *
 * <p>Called on the reading thread.
 */
@FunctionalInterface
public interface BulkDataResolver {

    /**
     * The value the URI stands for.
     *
     * @param uri the BulkDataURI as written in the JSON
     * @param tag the element's tag
     * @param vr  the element's VR
     * @throws DicomWebException (400) if the URI cannot be resolved
     */
    Value resolve(String uri, int tag, VR vr);

    /** A resolver that refuses every URI: for JSON that must be self-contained. */
    static BulkDataResolver refuseAll() {
        return (uri, tag, vr) -> {
            throw new DicomWebException(400, "HZ-5110", "BulkDataURI " + uri + " cannot be resolved here");
        };
    }
}
