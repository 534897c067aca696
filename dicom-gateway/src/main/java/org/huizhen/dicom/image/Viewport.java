package org.huizhen.dicom.image;

import java.util.Objects;

/**
 * The size a rendered image must fit in (PS3.18 8.3.5.1.3 {@code viewport=vw,vh}): the image is
 * scaled, up or down, to the largest size that fits while keeping its aspect ratio.
 *
 * <p>Immutable; thread-safe.
 *
 * @param width  viewport width in pixels, 1..{@value #MAX}
 * @param height viewport height in pixels, 1..{@value #MAX}
 */
public record Viewport(int width, int height) {

    /** Largest viewport side accepted, so a request cannot ask for a gigapixel output. */
    public static final int MAX = 8192;

    public Viewport {
        if (width < 1 || height < 1 || width > MAX || height > MAX) {
            throw new IllegalArgumentException("HZ-5511 viewport " + width + "," + height
                    + " must be between 1 and " + MAX + " on each side");
        }
    }

    /**
     * Parses {@code vw,vh}. The optional source-rectangle part of PS3.18 ({@code ,sx,sy,sw,sh})
     * is not supported and is rejected, so a client is never answered with a region it did not ask for.
     *
     * @throws IllegalArgumentException with an HZ-5511 message when it does not parse
     */
    public static Viewport parse(String parameter) {
        String[] parts = Objects.requireNonNull(parameter, "parameter").split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("HZ-5511 viewport must be width,height, got \"" + parameter + "\"");
        }
        try {
            return new Viewport(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("HZ-5511 viewport sides must be whole numbers, got \"" + parameter + "\"");
        }
    }

    /**
     * The size an image of {@code w} x {@code h} takes when fitted into this viewport with its
     * aspect ratio kept: {@code [width, height]}, each at least 1.
     */
    public int[] fit(int w, int h) {
        double scale = Math.min((double) width / w, (double) height / h);
        int fw = (int) Math.max(1, Math.min(width, Math.round(w * scale)));
        int fh = (int) Math.max(1, Math.min(height, Math.round(h * scale)));
        return new int[] {fw, fh};
    }
}
