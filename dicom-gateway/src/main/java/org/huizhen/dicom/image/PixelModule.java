package org.huizhen.dicom.image;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.Tag;

/**
 * The Image Pixel Module attributes (PS3.3 C.7.6.3) that say how to read a frame out of Pixel
 * Data, checked for the combinations the renderer handles.
 *
 * <p>Immutable; thread-safe.
 *
 * @param rows                Rows (0028,0010)
 * @param columns             Columns (0028,0011)
 * @param samplesPerPixel     Samples per Pixel (0028,0002): 1 or 3
 * @param bitsAllocated       Bits Allocated (0028,0100): 8, 16 or 32 (1 is rejected)
 * @param bitsStored          Bits Stored (0028,0101), 1..bitsAllocated
 * @param highBit             High Bit (0028,0102), bitsStored-1..bitsAllocated-1
 * @param signed              Pixel Representation (0028,0103) is 1 (two's complement)
 * @param photometric         Photometric Interpretation (0028,0004), upper case, trimmed
 * @param planarConfiguration Planar Configuration (0028,0006): 0 colour-by-pixel, 1 colour-by-plane
 * @param numberOfFrames      Number of Frames (0028,0008), 1 when absent
 */
public record PixelModule(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, int highBit,
                          boolean signed, String photometric, int planarConfiguration, int numberOfFrames) {

    /** Photometric interpretations the renderer knows (PS3.3 C.7.6.3.1.2). */
    static final List<String> SUPPORTED_PHOTOMETRIC =
            List.of("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422");

    /**
     * Reads and checks the module.
     *
     * @throws ImageException NOT_AN_IMAGE without Pixel Data, MALFORMED_PIXEL_DATA for missing or
     *                        inconsistent attributes, UNSUPPORTED_PIXEL_FORMAT for layouts the
     *                        renderer does not handle
     */
    public static PixelModule of(DataSet ds) throws ImageException {
        if (!ds.contains(Tag.PixelData)) {
            if (ds.contains(Tag.FloatPixelData) || ds.contains(Tag.DoubleFloatPixelData)) {
                throw new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT,
                        "float pixel data (7FE0,0008/0009) are not rendered");
            }
            throw new ImageException(ImageException.Kind.NOT_AN_IMAGE, "the instance has no Pixel Data (7FE0,0010)");
        }
        try {
            int rows = required(ds, Tag.Rows, "Rows");
            int columns = required(ds, Tag.Columns, "Columns");
            int spp = ds.getInt(Tag.SamplesPerPixel).orElse(1);
            int bitsAllocated = required(ds, Tag.BitsAllocated, "Bits Allocated");
            int bitsStored = ds.getInt(Tag.BitsStored).orElse(bitsAllocated);
            int highBit = ds.getInt(Tag.HighBit).orElse(bitsStored - 1);
            boolean signed = ds.getInt(Tag.PixelRepresentation).orElse(0) == 1;
            String photometric = ds.getString(Tag.PhotometricInterpretation)
                    .map(s -> s.strip().toUpperCase(Locale.ROOT))
                    .orElse(spp == 1 ? "MONOCHROME2" : "RGB");
            int planar = ds.getInt(Tag.PlanarConfiguration).orElse(0);
            int frames = ds.getInt(Tag.NumberOfFrames).orElse(1);
            PixelModule m = new PixelModule(rows, columns, spp, bitsAllocated, bitsStored, highBit, signed, photometric,
                    planar, frames);
            m.check();
            return m;
        } catch (DicomValueException e) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA,
                    "an Image Pixel Module attribute is not valid: " + e.getMessage(), e);
        }
    }

    private static int required(DataSet ds, int tag, String name) throws ImageException {
        Optional<Integer> v = ds.getInt(tag);
        if (v.isEmpty()) {
            throw new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, name + " is missing");
        }
        return v.get();
    }

    private void check() throws ImageException {
        if (rows < 1 || columns < 1 || numberOfFrames < 1) {
            throw malformed("Rows " + rows + ", Columns " + columns + " and Number of Frames " + numberOfFrames
                    + " must be positive");
        }
        if (!SUPPORTED_PHOTOMETRIC.contains(photometric)) {
            throw unsupported("Photometric Interpretation " + photometric + " is not rendered (supported: "
                    + String.join(", ", SUPPORTED_PHOTOMETRIC) + ")");
        }
        boolean mono = photometric.startsWith("MONOCHROME") || photometric.equals("PALETTE COLOR");
        if (mono ? samplesPerPixel != 1 : samplesPerPixel != 3) {
            throw malformed("Samples per Pixel " + samplesPerPixel + " does not fit " + photometric);
        }
        if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
            throw unsupported("Bits Allocated " + bitsAllocated + " is not rendered (8, 16 or 32)");
        }
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
            throw malformed("Bits Stored " + bitsStored + " / High Bit " + highBit + " do not fit Bits Allocated "
                    + bitsAllocated);
        }
        if (planarConfiguration != 0 && planarConfiguration != 1) {
            throw malformed("Planar Configuration " + planarConfiguration + " must be 0 or 1");
        }
    }

    /** True for MONOCHROME1 and MONOCHROME2: the only images windows apply to. */
    public boolean monochrome() {
        return photometric.startsWith("MONOCHROME");
    }

    /** Pixels per frame. */
    public long pixels() {
        return (long) rows * columns;
    }

    /**
     * Bytes of one native frame (PS3.5 8.1.1): rows x columns x samples x bits allocated / 8;
     * YBR_FULL_422 keeps two luminance and one pair of chrominance samples per two pixels.
     */
    public long nativeFrameLength() {
        long samples = photometric.equals("YBR_FULL_422") ? pixels() * 2 : pixels() * samplesPerPixel;
        return samples * (bitsAllocated / 8);
    }

    private static ImageException malformed(String detail) {
        return new ImageException(ImageException.Kind.MALFORMED_PIXEL_DATA, detail);
    }

    private static ImageException unsupported(String detail) {
        return new ImageException(ImageException.Kind.UNSUPPORTED_PIXEL_FORMAT, detail);
    }
}
