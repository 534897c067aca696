package org.huizhen.dicom.web;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.Value;

/**
 * Decides, while {@link DicomJson} writes, which values become a {@code BulkDataURI} instead of
 * {@code InlineBinary} or inline numbers (PS3.18 F.2.6/F.2.7), and names the URI.
 *
 * <p>The attribute path handed in names the element inside the data set: "ggggeeee" at the top
 * level, "ggggeeee/i/ggggeeee" inside item i (0-based) of a sequence, and so on. A WADO-RS
 * /bulkdata endpoint can resolve the same path back to the value.
 *
 * <p>Implementations are called on the writing thread and must be thread-safe if one factory
 * serves several writers at once.
 */
@FunctionalInterface
public interface BulkDataUriFactory {

    /**
     * The URI to write for this element's value, or empty to write it inline.
     *
     * @param path    the attribute path, e.g. "7FE00010" or "00540016/0/00181072"
     * @param element the element (its value is never a sequence)
     */
    Optional<String> uriFor(String path, DicomElement element);

    /**
     * Everything inline. Encapsulated pixel data cannot be inline (PS3.18 F.2.7 has no inline
     * form for fragments), so writing a data set that holds {@link Fragments} fails.
     */
    static BulkDataUriFactory none() {
        return (path, element) -> Optional.empty();
    }

    /**
     * A URI for Pixel Data (7FE0,0010), Float/Double Float Pixel Data, encapsulated fragments,
     * values left in their file ({@link BulkData}) and binary values (OB, OD, OF, OL, OV, OW,
     * UN) longer than {@code thresholdBytes}; everything else inline.
     *
     * @param thresholdBytes binary values longer than this get a URI
     * @param uriForPath     maps an attribute path to the URI, e.g.
     *                       {@code p -> "/dicomweb/studies/1.2/series/3.4/instances/5.6/bulkdata/" + p}
     */
    static BulkDataUriFactory above(long thresholdBytes, Function<String, String> uriForPath) {
        Objects.requireNonNull(uriForPath, "uriForPath");
        return (path, element) -> isBulk(element, thresholdBytes)
                ? Optional.of(uriForPath.apply(path)) : Optional.empty();
    }

    /** True when {@link #above} gives this element a URI. */
    static boolean isBulk(DicomElement element, long thresholdBytes) {
        int tag = element.tag();
        if (tag == Tag.PixelData || tag == Tag.FloatPixelData || tag == Tag.DoubleFloatPixelData) {
            return true;
        }
        Value v = element.value();
        if (v instanceof Fragments || v instanceof BulkData) {
            return true;
        }
        return switch (element.vr()) {
            case OB, OD, OF, OL, OV, OW, UN -> v.length() > thresholdBytes;
            default -> false;
        };
    }
}
