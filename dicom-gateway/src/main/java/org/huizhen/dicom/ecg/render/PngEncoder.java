package org.huizhen.dicom.ecg.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A small PNG writer for the ECG page (PNG specification, 3rd edition / ISO 15948): 8-bit
 * truecolour, no interlace, a pHYs chunk with the pixel size, every row with filter type 2 "Up"
 * (§9.2), one zlib stream at the fastest deflate level.
 *
 * <p>Why not ImageIO: the JDK's writer tries all five filters on every row and keeps the best,
 * which costs most of the page's render time. An ECG page is a white sheet with a regular grid and
 * thin traces: "Up" turns every row that repeats the one above (most of them, between the
 * horizontal grid lines) into zeros, which the fastest deflate level compresses about as well as
 * the adaptive choice (the class comment of {@link EcgRenderer#png} gives measured figures).
 *
 * <p>Takes images of type {@link BufferedImage#TYPE_3BYTE_BGR} (what {@link Java2dPainter} draws);
 * stateless and thread-safe.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Largest IDAT chunk written; decoders accept any split (§5.6). */
    private static final int IDAT_CHUNK = 64 * 1024;
    /** Filter type "Up" (§9.2): each byte minus the byte above it. */
    private static final int FILTER_UP = 2;

    private PngEncoder() {
    }

    /** The image as PNG bytes, stating {@code pixelsPerMetre} in pHYs (unit: metre). */
    static byte[] encode(BufferedImage img, long pixelsPerMetre) {
        if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            throw new IllegalArgumentException("PngEncoder takes TYPE_3BYTE_BGR images, not type " + img.getType());
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int stride = w * 3;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64 * 1024, w * h / 8));
        out.writeBytes(SIGNATURE);

        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: truecolour
        // compression 0 (deflate), filter method 0, interlace 0 (none)
        chunk(out, "IHDR", ihdr, ihdr.length);

        byte[] phys = new byte[9];
        putInt(phys, 0, (int) pixelsPerMetre);
        putInt(phys, 4, (int) pixelsPerMetre);
        phys[8] = 1; // unit: metre
        chunk(out, "pHYs", phys, phys.length);

        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            byte[] row = new byte[1 + stride];
            byte[] buf = new byte[IDAT_CHUNK];
            int filled = 0;
            for (int y = 0; y < h; y++) {
                row[0] = FILTER_UP;
                int base = y * stride;
                int above = base - stride;
                for (int x = 0; x < stride; x += 3) {
                    // BGR in memory, RGB in PNG
                    int b = bgr[base + x], g = bgr[base + x + 1], r = bgr[base + x + 2];
                    if (y > 0) {
                        b -= bgr[above + x];
                        g -= bgr[above + x + 1];
                        r -= bgr[above + x + 2];
                    }
                    row[1 + x] = (byte) r;
                    row[2 + x] = (byte) g;
                    row[3 + x] = (byte) b;
                }
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    filled += deflater.deflate(buf, filled, buf.length - filled);
                    if (filled == buf.length) {
                        chunk(out, "IDAT", buf, filled);
                        filled = 0;
                    }
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                filled += deflater.deflate(buf, filled, buf.length - filled);
                if (filled == buf.length) {
                    chunk(out, "IDAT", buf, filled);
                    filled = 0;
                }
            }
            if (filled > 0) {
                chunk(out, "IDAT", buf, filled);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    /** Length, type, data, CRC-32 over type and data (§5.3). */
    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, head, 4, 4);
        out.write(head, 0, 8);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, length);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c, 0, 4);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
