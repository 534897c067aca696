package org.huizhen.dicom.image;

import java.util.Objects;

/**
 * Why a frame could not be rendered, as a value the HTTP layer can map to a status: every
 * message starts with its {@code HZ-55xx} code.
 *
 * <ul>
 *   <li>{@link Kind#UNSUPPORTED_TRANSFER_SYNTAX} HZ-5501: compressed pixel data this module does
 *       not decode (see {@link UnsupportedTransferSyntaxException});</li>
 *   <li>{@link Kind#UNSUPPORTED_PIXEL_FORMAT} HZ-5502: a pixel layout the renderer does not
 *       handle (1-bit, float pixel data, 12-bit JPEG, segmented palettes...);</li>
 *   <li>{@link Kind#MALFORMED_PIXEL_DATA} HZ-5503: the Image Pixel Module attributes and the pixel
 *       data disagree, or a required attribute is missing or invalid;</li>
 *   <li>{@link Kind#NO_SUCH_FRAME} HZ-5504: the frame number is outside 1..Number of Frames;</li>
 *   <li>{@link Kind#NOT_AN_IMAGE} HZ-5505: the data set has no Pixel Data;</li>
 *   <li>{@link Kind#TOO_LARGE} HZ-5506: a frame exceeds {@link FrameRenderer#MAX_FRAME_SAMPLES}.</li>
 * </ul>
 *
 * <p>Immutable; thread-safe.
 */
public class ImageException extends Exception {

    /** The kind of failure, with its code. */
    public enum Kind {
        UNSUPPORTED_TRANSFER_SYNTAX("HZ-5501"),
        UNSUPPORTED_PIXEL_FORMAT("HZ-5502"),
        MALFORMED_PIXEL_DATA("HZ-5503"),
        NO_SUCH_FRAME("HZ-5504"),
        NOT_AN_IMAGE("HZ-5505"),
        TOO_LARGE("HZ-5506");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The searchable code, e.g. {@code HZ-5501}. */
        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public ImageException(Kind kind, String detail) {
        this(kind, detail, null);
    }

    public ImageException(Kind kind, String detail, Throwable cause) {
        super(Objects.requireNonNull(kind, "kind").code() + " " + detail, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The code this message starts with. */
    public String code() {
        return kind.code();
    }
}
