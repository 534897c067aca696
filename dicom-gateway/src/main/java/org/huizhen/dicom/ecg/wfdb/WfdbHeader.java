package org.huizhen.dicom.ecg.wfdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * A WFDB record header ({@code .hea}), as PhysioNet's {@code header(5)} describes it: a record
 * line {@code name nsig [freq [nsamp]]} and one signal-specification line per signal
 * {@code file format[xskew][+offset] gain[(baseline)][/units] adcres adczero initval checksum blocksize description}.
 * Lines starting with {@code #} are comments; both LF and CRLF line ends are accepted.
 * Multi-segment records ({@code name/segments}) are not supported (HZ-7004).
 *
 * <p>Immutable.
 *
 * @param recordName the record's name
 * @param frequencyHz samples per second per signal (WFDB default 250 when absent)
 * @param samplesPerSignal samples per signal, 0 when the header does not say (then the file's length decides)
 * @param signals the signal specifications in file order
 */
public record WfdbHeader(String recordName, double frequencyHz, long samplesPerSignal, List<Signal> signals) {
    /** WFDB's default sampling frequency when the record line omits it ({@code header(5)}). */
    public static final double DEFAULT_FREQUENCY_HZ = 250;
    /** WFDB's default ADC gain (adu per physical unit) when the field is absent or 0 ({@code header(5)}). */
    public static final double DEFAULT_GAIN = 200;
    /** Most signals accepted in one record (the MIT-BIH records have 2). */
    public static final int MAX_SIGNALS = 64;

    public WfdbHeader {
        signals = List.copyOf(signals);
    }

    /**
     * One signal line.
     *
     * @param fileName the signal file (all signals of the MIT-BIH records share one)
     * @param format the storage format (212, 16, 80 ...)
     * @param gain adu per physical unit (mV)
     * @param baseline the adu value of 0 physical units (defaults to adcZero)
     * @param units physical units ("mV" when absent)
     * @param adcZero the adu value of the ADC's mid-range
     * @param description the signal's description, e.g. "MLII", "V1"
     */
    public record Signal(String fileName, int format, double gain, int baseline, String units, int adcZero,
            String description) {
    }

    /** Parses a header file's bytes (US-ASCII). */
    public static WfdbHeader parse(byte[] text) throws EcgParseException {
        String s = new String(text, StandardCharsets.US_ASCII);
        List<String> lines = new ArrayList<>();
        for (String line : s.split("\r?\n|\r")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                lines.add(t);
            }
        }
        if (lines.isEmpty()) {
            throw new EcgParseException("HZ-7002 WFDB header: no record line");
        }
        String[] rec = lines.get(0).split("\\s+");
        if (rec.length < 2) {
            throw new EcgParseException("HZ-7002 WFDB header: record line '" + lines.get(0) + "' has no signal count");
        }
        String name = rec[0];
        if (name.contains("/")) {
            throw new EcgParseException("HZ-7004 WFDB header: multi-segment record '" + name + "' is not supported");
        }
        int nsig = parseInt(rec[1], "signal count");
        if (nsig < 1 || nsig > MAX_SIGNALS) {
            throw new EcgParseException("HZ-7003 WFDB header: " + nsig + " signals (1.." + MAX_SIGNALS + " expected)");
        }
        double freq = DEFAULT_FREQUENCY_HZ;
        if (rec.length > 2) {
            // "360" or "360/..." (counter frequency) or "360(base counter)"
            String f = rec[2].split("[/(]")[0];
            freq = parseDouble(f, "sampling frequency");
        }
        if (!(freq > 0 && freq <= 1_000_000)) {
            throw new EcgParseException("HZ-7003 WFDB header: sampling frequency " + freq + " Hz is implausible");
        }
        long nsamp = rec.length > 3 ? parseLong(rec[3], "sample count") : 0;
        if (nsamp < 0) {
            throw new EcgParseException("HZ-7003 WFDB header: negative sample count " + nsamp);
        }
        if (lines.size() < 1 + nsig) {
            throw new EcgParseException("HZ-7002 WFDB header: " + nsig + " signals declared but " + (lines.size() - 1)
                    + " signal lines present");
        }
        List<Signal> signals = new ArrayList<>(nsig);
        for (int i = 0; i < nsig; i++) {
            signals.add(parseSignal(lines.get(1 + i), i));
        }
        return new WfdbHeader(name, freq, nsamp, signals);
    }

    private static Signal parseSignal(String line, int index) throws EcgParseException {
        String[] f = line.split("\\s+", 9);
        if (f.length < 2) {
            throw new EcgParseException("HZ-7002 WFDB header: signal line " + (index + 1) + " '" + line + "' has no format");
        }
        // format[xskew][+offset]: the format number is the leading digits
        int format = parseInt(f[1].split("[x:+]")[0], "signal format");
        double gain = DEFAULT_GAIN;
        Integer baseline = null;
        String units = "mV";
        if (f.length > 2) {
            String g = f[2];
            int slash = g.indexOf('/');
            if (slash >= 0) {
                units = g.substring(slash + 1);
                g = g.substring(0, slash);
            }
            int paren = g.indexOf('(');
            if (paren >= 0) {
                int close = g.indexOf(')', paren);
                if (close < 0) {
                    throw new EcgParseException("HZ-7002 WFDB header: signal line " + (index + 1) + " gain '" + f[2]
                            + "' has an unclosed baseline");
                }
                baseline = parseInt(g.substring(paren + 1, close), "baseline");
                g = g.substring(0, paren);
            }
            double parsed = parseDouble(g, "gain");
            // header(5): a gain of 0 means "uncalibrated"; WFDB then uses the default
            gain = parsed == 0 ? DEFAULT_GAIN : parsed;
        }
        int adcZero = f.length > 4 ? parseInt(f[4], "ADC zero") : 0;
        String description = f.length > 8 ? f[8].strip() : "";
        return new Signal(f[0], format, gain, baseline == null ? adcZero : baseline, units, adcZero, description);
    }

    private static int parseInt(String s, String what) throws EcgParseException {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new EcgParseException("HZ-7002 WFDB header: " + what + " '" + s + "' is not an integer");
        }
    }

    private static long parseLong(String s, String what) throws EcgParseException {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new EcgParseException("HZ-7002 WFDB header: " + what + " '" + s + "' is not an integer");
        }
    }

    private static double parseDouble(String s, String what) throws EcgParseException {
        try {
            double d = Double.parseDouble(s.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new EcgParseException("HZ-7002 WFDB header: " + what + " '" + s + "' is not a number");
        }
    }
}
