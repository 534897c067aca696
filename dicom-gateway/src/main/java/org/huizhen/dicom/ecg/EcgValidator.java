package org.huizhen.dicom.ecg;

/**
 * Plausibility checks every parsed ECG must pass before the hub stores or measures it, so that
 * a file with absurd content gets a clear HZ-7003 error instead of a nonsense tracing.
 *
 * <p>Limits (named here, the one place they live): {@link #MIN_RATE_HZ}..{@link #MAX_RATE_HZ}
 * samples/s, 1..{@link #MAX_LEADS} leads, 1..{@link #MAX_SAMPLES_PER_LEAD} samples per lead,
 * every sample finite and within ±{@link #MAX_ABS_MICROVOLTS} µV.
 */
public final class EcgValidator {
    /** Lowest sample rate accepted; FHIR examples use 100 Hz, real carts 250–1000 Hz. */
    public static final double MIN_RATE_HZ = 50;
    /** Highest sample rate accepted (high-resolution ECG carts sample up to 16 kHz). */
    public static final double MAX_RATE_HZ = 16_000;
    /** Most leads in one waveform (12 standard + right-sided + posterior + XYZ fit well below). */
    public static final int MAX_LEADS = 64;
    /** Most samples per lead: 10 minutes at 16 kHz. */
    public static final int MAX_SAMPLES_PER_LEAD = 9_600_000;
    /** Largest plausible sample magnitude in µV (±100 mV; ECG amplitudes are a few mV). */
    public static final float MAX_ABS_MICROVOLTS = 100_000f;

    private EcgValidator() {
    }

    /** Throws HZ-7003 naming the first implausible property. */
    public static void validate(Ecg ecg) throws EcgParseException {
        check("rhythm", ecg.rhythm());
        if (ecg.representativeBeat().isPresent()) {
            check("representative beat", ecg.representativeBeat().get());
        }
    }

    private static void check(String what, EcgWaveform w) throws EcgParseException {
        double rate = w.sampleRateHz();
        if (!(rate >= MIN_RATE_HZ && rate <= MAX_RATE_HZ)) {
            throw new EcgParseException("HZ-7003 " + what + ": sample rate " + rate + " Hz is outside "
                    + MIN_RATE_HZ + ".." + MAX_RATE_HZ + " Hz");
        }
        int leads = w.leads().size();
        if (leads < 1 || leads > MAX_LEADS) {
            throw new EcgParseException("HZ-7003 " + what + ": " + leads + " leads (1.." + MAX_LEADS + " expected)");
        }
        for (Lead l : w.leads()) {
            int n = l.length();
            if (n < 1 || n > MAX_SAMPLES_PER_LEAD) {
                throw new EcgParseException("HZ-7003 " + what + ": lead " + l.label() + " has " + n + " samples (1.."
                        + MAX_SAMPLES_PER_LEAD + " expected)");
            }
            float[] s = l.microvolts();
            for (int i = 0; i < n; i++) {
                float v = s[i];
                if (!(Math.abs(v) <= MAX_ABS_MICROVOLTS)) {
                    throw new EcgParseException("HZ-7003 " + what + ": lead " + l.label() + " sample " + i + " is " + v
                            + " µV (|value| <= " + (int) MAX_ABS_MICROVOLTS + " expected)");
                }
            }
        }
    }
}
