package org.huizhen.dicom.ecg.wfdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * A WFDB record read from disk: its header, its samples in adu, and its reference annotations
 * when an annotation file is present. Used to run the hub's QRS detector on PhysioNet databases
 * (the MIT-BIH Arrhythmia Database for the EC57 evaluation); not an upload format.
 *
 * <p>Only signal format 212 is read ({@code signal(5)}: pairs of 12-bit two's-complement
 * samples in 3 bytes, signals interleaved frame by frame; byte 0 = low 8 bits of the first
 * sample, byte 1 low nibble = its high 4 bits, high nibble = the high 4 bits of the second,
 * byte 2 = the second's low 8 bits). All signals must share one file.
 *
 * <p>Immutable after reading (the arrays are not copied; do not change them).
 *
 * @param header the parsed header
 * @param adu samples per signal in adu, {@code adu[signal][sample]}
 * @param annotations the reference annotations (empty when no annotation file was read)
 */
public record WfdbRecord(WfdbHeader header, int[][] adu, List<WfdbAnnotation> annotations) {
    /** Most samples per signal read (24 h at 1000 Hz). */
    public static final long MAX_SAMPLES_PER_SIGNAL = 86_400_000L;
    /** Largest signal file read (bytes). */
    public static final long MAX_SIGNAL_FILE_BYTES = 512L * 1024 * 1024;

    public WfdbRecord {
        annotations = List.copyOf(annotations);
    }

    /** Samples per signal. */
    public int length() {
        return adu.length == 0 ? 0 : adu[0].length;
    }

    /**
     * Reads record {@code name} from {@code dir}: {@code name.hea}, its signal file, and
     * {@code name.<annotator>} when {@code annotator} is non-null and the file exists.
     */
    public static WfdbRecord read(Path dir, String name, String annotator) throws IOException, EcgParseException {
        WfdbHeader h = WfdbHeader.parse(Files.readAllBytes(dir.resolve(name + ".hea")));
        String file = h.signals().get(0).fileName();
        for (WfdbHeader.Signal s : h.signals()) {
            if (s.format() != 212) {
                throw new EcgParseException("HZ-7004 WFDB record " + name + ": signal format " + s.format()
                        + " is not supported (212 only)");
            }
            if (!s.fileName().equals(file)) {
                throw new EcgParseException("HZ-7004 WFDB record " + name + ": signals in more than one file");
            }
        }
        if (file.contains("/") || file.contains("\\") || file.equals("-")) {
            throw new EcgParseException("HZ-7004 WFDB record " + name + ": signal file '" + file + "' is not a plain file name");
        }
        Path dat = dir.resolve(file);
        long size = Files.size(dat);
        if (size > MAX_SIGNAL_FILE_BYTES) {
            throw new EcgParseException("HZ-7005 WFDB record " + name + ": signal file of " + size + " bytes is over the limit");
        }
        int[][] adu = decode212(Files.readAllBytes(dat), h.signals().size(), h.samplesPerSignal(), name);
        List<WfdbAnnotation> ann = List.of();
        if (annotator != null) {
            Path a = dir.resolve(name + "." + annotator);
            if (Files.isRegularFile(a)) {
                ann = MitAnnotations.parse(Files.readAllBytes(a));
            }
        }
        return new WfdbRecord(h, adu, ann);
    }

    /**
     * Decodes format 212. {@code declared} samples per signal are expected (0 = as many as the
     * file holds); a shorter file is HZ-7002, because the header promised more.
     */
    static int[][] decode212(byte[] b, int nsig, long declared, String name) throws EcgParseException {
        long available = (b.length / 3L) * 2 / nsig;
        long n = declared > 0 ? declared : available;
        if (n > MAX_SAMPLES_PER_SIGNAL) {
            throw new EcgParseException("HZ-7005 WFDB record " + name + ": " + n + " samples per signal is over the limit");
        }
        if (n > available) {
            throw new EcgParseException("HZ-7002 WFDB record " + name + ": header declares " + n
                    + " samples per signal but the signal file holds " + available);
        }
        int[][] out = new int[nsig][(int) n];
        long total = n * nsig;
        int p = 0;
        for (long k = 0; k < total; k += 2) {
            int b0 = b[p] & 0xff;
            int b1 = b[p + 1] & 0xff;
            int b2 = b[p + 2] & 0xff;
            p += 3;
            int s0 = b0 | (b1 & 0x0f) << 8;
            int s1 = b2 | (b1 & 0xf0) << 4;
            // 12-bit two's complement
            s0 = (s0 << 20) >> 20;
            s1 = (s1 << 20) >> 20;
            out[(int) (k % nsig)][(int) (k / nsig)] = s0;
            if (k + 1 < total) {
                out[(int) ((k + 1) % nsig)][(int) ((k + 1) / nsig)] = s1;
            }
        }
        return out;
    }

    /** Signal {@code s} in µV: (adu − baseline) / gain × 1000 (units mV, header(5)). */
    public float[] microvolts(int s) {
        WfdbHeader.Signal sig = header.signals().get(s);
        double scale = unitsToMicrovolts(sig.units()) / sig.gain();
        int[] a = adu[s];
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) ((a[i] - sig.baseline()) * scale);
        }
        return out;
    }

    private static double unitsToMicrovolts(String units) {
        return switch (units.toLowerCase(Locale.ROOT)) {
            case "uv", "µv" -> 1;
            case "v" -> 1_000_000;
            default -> 1000; // mV, WFDB's default
        };
    }

    /**
     * The lead a WFDB signal description names: "MLII" (modified lead II, the Holter chest
     * placement MIT-BIH uses) → II, "ML I"/"MLI" → I, "MLIII" → III, "V1".."V6" and the
     * other standard labels by {@link LeadName#fromLabel}; otherwise empty.
     */
    public static Optional<LeadName> leadOf(String description) {
        String d = description == null ? "" : description.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        if (d.startsWith("ML") && !d.equals("ML")) {
            d = d.substring(2);
        }
        return LeadName.fromLabel(d);
    }

    /**
     * This record as the hub's ECG model, so the analyzer and detector run on it. Format DICOM
     * is a placeholder: WFDB is not one of the hub's upload formats ({@link EcgFormat}); the
     * model's format field is only informative here.
     */
    public Ecg toEcg() {
        List<Lead> leads = new ArrayList<>();
        for (int s = 0; s < adu.length; s++) {
            String desc = header.signals().get(s).description();
            LeadName n = leadOf(desc).orElse(LeadName.OTHER);
            leads.add(new Lead(n, desc.isBlank() ? "signal " + s : desc, microvolts(s), false));
        }
        return new Ecg(EcgFormat.DICOM, null, null, null, new EcgWaveform(header.frequencyHz(), leads), Optional.empty(),
                null, List.of(), null);
    }
}
