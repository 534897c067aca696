package org.huizhen.dicom.image;

import java.util.Objects;

import org.huizhen.dicom.io.TransferSyntax;

/**
 * The pixel data are compressed with a transfer syntax this module does not decode (HZ-5501).
 * The renderer decodes native pixel data and JPEG Baseline / Extended 8-bit (the JDK's JPEG
 * decoder); JPEG Lossless, JPEG-LS, JPEG 2000, RLE, MPEG and the rest end here, so a caller can
 * answer "not renderable" instead of sending a wrong picture.
 *
 * <p>Immutable; thread-safe.
 */
public final class UnsupportedTransferSyntaxException extends ImageException {

    private final transient TransferSyntax transferSyntax;

    public UnsupportedTransferSyntaxException(TransferSyntax transferSyntax) {
        super(Kind.UNSUPPORTED_TRANSFER_SYNTAX, "cannot render pixel data in transfer syntax "
                + Objects.requireNonNull(transferSyntax, "transferSyntax")
                + ": only native (uncompressed) pixel data and 8-bit JPEG Baseline/Extended are decoded");
        this.transferSyntax = transferSyntax;
    }

    /** The transfer syntax that could not be decoded. */
    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }
}
