package org.huizhen.dicom.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Encodes rendered frames as JPEG (quality 1..100) or PNG with the JDK's {@code javax.imageio}
 * writers: the two media types PS3.18 8.7.4 requires of rendered resources for single-frame
 * images.
 *
 * <p>Stateless; thread-safe.
 */
public final class ImageEncoder {

    /** JPEG quality when the request names none (PS3.18 8.3.5.1.5 leaves the default to the server). */
    public static final int DEFAULT_QUALITY = 90;

    /** The output formats, with their media types. */
    public enum Format {
        JPEG("image/jpeg"),
        PNG("image/png");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }

        /** The format of a media type such as {@code image/png} (parameters ignored), if supported. */
        public static Optional<Format> ofMediaType(String mediaType) {
            if (mediaType == null) {
                return Optional.empty();
            }
            String t = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.mediaType.equals(t)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    private ImageEncoder() {
    }

    /**
     * Writes {@code img} to {@code out} (which stays open).
     *
     * @param quality JPEG quality 1..100 (ignored for PNG)
     */
    public static void write(BufferedImage img, Format format, int quality, OutputStream out) throws IOException {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("HZ-5512 quality must be 1..100, got " + quality);
        }
        String name = format == Format.JPEG ? "jpeg" : "png";
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(name);
        if (!writers.hasNext()) {
            throw new IOException("HZ-5508 no " + name + " encoder in this JDK");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == Format.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
            }
            writer.write(null, new IIOImage(img, null, null), param);
            ios.flush();
        } finally {
            writer.dispose();
        }
    }

    /** {@link #write} into a byte array. */
    public static byte[] encode(BufferedImage img, Format format, int quality) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(img, format, quality, out);
        return out.toByteArray();
    }
}
