package org.huizhen.dicom.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A transfer syntax (PS3.5 Section 10, Annex A): how a data set is encoded — explicit or
 * implicit VR, byte order, deflate, encapsulated pixel data.
 *
 * <p>The constants cover every transfer syntax of PS3.6 Table A-1. {@link #of(String)} also
 * answers for UIDs this table does not know: every transfer syntax the standard added after
 * the first three is Explicit VR Little Endian with encapsulated pixel data (PS3.5 A.4), so an
 * unknown UID is read that way; the reader still recognises native pixel data by its defined
 * length.
 *
 * <p>Immutable; thread-safe.
 *
 * @param uid          the transfer syntax UID
 * @param name         a short name for logs
 * @param explicitVr   true when VRs are in the stream (PS3.5 7.1.2)
 * @param bigEndian    true for the retired Explicit VR Big Endian (PS3.5 A.3)
 * @param deflated     true when the data set after the meta group is deflated (PS3.5 A.5)
 * @param encapsulated true when pixel data are encapsulated fragments (PS3.5 A.4)
 * @param retired      true for retired transfer syntaxes
 */
public record TransferSyntax(String uid, String name, boolean explicitVr, boolean bigEndian, boolean deflated,
                             boolean encapsulated, boolean retired) {

    public TransferSyntax {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(name, "name");
    }

    private static final Map<String, TransferSyntax> KNOWN = new LinkedHashMap<>();

    private static TransferSyntax native_(String uid, String name, boolean explicit, boolean big, boolean deflated,
                                          boolean retired) {
        TransferSyntax ts = new TransferSyntax(uid, name, explicit, big, deflated, false, retired);
        KNOWN.put(uid, ts);
        return ts;
    }

    private static TransferSyntax encaps(String uid, String name, boolean retired) {
        TransferSyntax ts = new TransferSyntax(uid, name, true, false, false, true, retired);
        KNOWN.put(uid, ts);
        return ts;
    }

    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            native_("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            native_("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static final TransferSyntax ENCAPSULATED_UNCOMPRESSED_EXPLICIT_VR_LITTLE_ENDIAN =
            encaps("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", false);
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN =
            native_("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            native_("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, true);
    public static final TransferSyntax JPEG_BASELINE = encaps("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", false);
    public static final TransferSyntax JPEG_EXTENDED = encaps("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", false);
    public static final TransferSyntax JPEG_EXTENDED_3_5 = encaps("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5)", true);
    public static final TransferSyntax JPEG_SPECTRAL_6_8 = encaps("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection (Process 6 & 8)", true);
    public static final TransferSyntax JPEG_SPECTRAL_7_9 = encaps("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection (Process 7 & 9)", true);
    public static final TransferSyntax JPEG_FULL_PROGRESSION_10_12 = encaps("1.2.840.10008.1.2.4.55", "JPEG Full Progression (Process 10 & 12)", true);
    public static final TransferSyntax JPEG_FULL_PROGRESSION_11_13 = encaps("1.2.840.10008.1.2.4.56", "JPEG Full Progression (Process 11 & 13)", true);
    public static final TransferSyntax JPEG_LOSSLESS = encaps("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)", false);
    public static final TransferSyntax JPEG_LOSSLESS_15 = encaps("1.2.840.10008.1.2.4.58", "JPEG Lossless (Process 15)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_16_18 = encaps("1.2.840.10008.1.2.4.59", "JPEG Extended Hierarchical (Process 16 & 18)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_17_19 = encaps("1.2.840.10008.1.2.4.60", "JPEG Extended Hierarchical (Process 17 & 19)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_20_22 = encaps("1.2.840.10008.1.2.4.61", "JPEG Spectral Selection Hierarchical (Process 20 & 22)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_21_23 = encaps("1.2.840.10008.1.2.4.62", "JPEG Spectral Selection Hierarchical (Process 21 & 23)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_24_26 = encaps("1.2.840.10008.1.2.4.63", "JPEG Full Progression Hierarchical (Process 24 & 26)", true);
    public static final TransferSyntax JPEG_HIERARCHICAL_25_27 = encaps("1.2.840.10008.1.2.4.64", "JPEG Full Progression Hierarchical (Process 25 & 27)", true);
    public static final TransferSyntax JPEG_LOSSLESS_HIERARCHICAL_28 = encaps("1.2.840.10008.1.2.4.65", "JPEG Lossless Hierarchical (Process 28)", true);
    public static final TransferSyntax JPEG_LOSSLESS_HIERARCHICAL_29 = encaps("1.2.840.10008.1.2.4.66", "JPEG Lossless Hierarchical (Process 29)", true);
    public static final TransferSyntax JPEG_LOSSLESS_SV1 = encaps("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (Process 14 SV1)", false);
    public static final TransferSyntax JPEG_LS_LOSSLESS = encaps("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", false);
    public static final TransferSyntax JPEG_LS_NEAR_LOSSLESS = encaps("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", false);
    public static final TransferSyntax JPEG_2000_LOSSLESS = encaps("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)", false);
    public static final TransferSyntax JPEG_2000 = encaps("1.2.840.10008.1.2.4.91", "JPEG 2000", false);
    public static final TransferSyntax JPEG_2000_MC_LOSSLESS = encaps("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", false);
    public static final TransferSyntax JPEG_2000_MC = encaps("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", false);
    /** Pixel data are referenced by URL (PS3.5 A.6), not in the data set. */
    public static final TransferSyntax JPIP_REFERENCED =
            native_("1.2.840.10008.1.2.4.94", "JPIP Referenced", true, false, false, false);
    public static final TransferSyntax JPIP_REFERENCED_DEFLATE =
            native_("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true, false, true, false);
    public static final TransferSyntax MPEG2_MAIN_MAIN = encaps("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", false);
    public static final TransferSyntax MPEG2_MAIN_MAIN_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level", false);
    public static final TransferSyntax MPEG2_MAIN_HIGH = encaps("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", false);
    public static final TransferSyntax MPEG2_MAIN_HIGH_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level", false);
    public static final TransferSyntax MPEG4_HP41 = encaps("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", false);
    public static final TransferSyntax MPEG4_HP41_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1", false);
    public static final TransferSyntax MPEG4_HP41_BD = encaps("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", false);
    public static final TransferSyntax MPEG4_HP41_BD_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", false);
    public static final TransferSyntax MPEG4_HP42_2D = encaps("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", false);
    public static final TransferSyntax MPEG4_HP42_2D_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", false);
    public static final TransferSyntax MPEG4_HP42_3D = encaps("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", false);
    public static final TransferSyntax MPEG4_HP42_3D_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", false);
    public static final TransferSyntax MPEG4_HP42_STEREO = encaps("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", false);
    public static final TransferSyntax MPEG4_HP42_STEREO_FRAGMENTABLE = encaps("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", false);
    public static final TransferSyntax HEVC_MP51 = encaps("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", false);
    public static final TransferSyntax HEVC_M10P51 = encaps("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", false);
    public static final TransferSyntax JPEG_XL_LOSSLESS = encaps("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", false);
    public static final TransferSyntax JPEG_XL_JPEG_RECOMPRESSION = encaps("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", false);
    public static final TransferSyntax JPEG_XL = encaps("1.2.840.10008.1.2.4.112", "JPEG XL", false);
    public static final TransferSyntax HTJ2K_LOSSLESS = encaps("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", false);
    public static final TransferSyntax HTJ2K_LOSSLESS_RPCL = encaps("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)", false);
    public static final TransferSyntax HTJ2K = encaps("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", false);
    public static final TransferSyntax JPIP_HTJ2K_REFERENCED =
            native_("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced", true, false, false, false);
    public static final TransferSyntax JPIP_HTJ2K_REFERENCED_DEFLATE =
            native_("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", true, false, true, false);
    public static final TransferSyntax RLE_LOSSLESS = encaps("1.2.840.10008.1.2.5", "RLE Lossless", false);
    public static final TransferSyntax SMPTE_ST_2110_20_PROGRESSIVE = encaps("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video", false);
    public static final TransferSyntax SMPTE_ST_2110_20_INTERLACED = encaps("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video", false);
    public static final TransferSyntax SMPTE_ST_2110_30_PCM = encaps("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio", false);
    public static final TransferSyntax DEFLATED_IMAGE_FRAME = encaps("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", false);

    /** The transfer syntax of a UID, if this table knows it. */
    public static Optional<TransferSyntax> lookup(String uid) {
        return Optional.ofNullable(KNOWN.get(uid == null ? null : uid.strip()));
    }

    /**
     * The transfer syntax of a UID; an unknown UID is taken as Explicit VR Little Endian with
     * encapsulated pixel data (the encoding of every transfer syntax added since DICOM 3.0).
     */
    public static TransferSyntax of(String uid) {
        String u = uid.strip();
        return lookup(u).orElseGet(() -> new TransferSyntax(u, "Unknown (" + u + ")", true, false, false, true, false));
    }

    /** All transfer syntaxes of the table, in UID order of the standard. */
    public static List<TransferSyntax> all() {
        return List.copyOf(KNOWN.values());
    }

    /** True for the syntaxes a writer can produce from native (not encapsulated) pixel data. */
    public boolean isNative() {
        return !encapsulated;
    }

    @Override
    public String toString() {
        return name + " (" + uid + ")";
    }
}
