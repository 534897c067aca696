package org.huizhen.dicom.ecg.render;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Synthetic ECGs with known shapes and amplitudes for the renderer tests: sums of Gaussians for
 * P, Q, R, S and T at a fixed rate, square steps, spikes. Deterministic (no noise), so a render
 * is the same every run.
 */
final class SyntheticEcg {
    private SyntheticEcg() {
    }

    /** R amplitude and S depth (µV) per lead, roughly a normal adult's (V1 rS, transition at V3/V4). */
    private static final double[][] R_S = {
            /* I */ {800, 150}, /* II */ {1200, 200}, /* V1 */ {250, 1000}, /* V2 */ {550, 1200},
            /* V3 */ {900, 800}, /* V4 */ {1500, 400}, /* V5 */ {1300, 200}, /* V6 */ {1000, 100}};

    private static final LeadName[] RECORDED = {LeadName.I, LeadName.II, LeadName.V1, LeadName.V2, LeadName.V3,
            LeadName.V4, LeadName.V5, LeadName.V6};

    /**
     * A resting-ECG-like recording of I, II and V1–V6 (the limb leads III, aVR, aVL, aVF are left to
     * be derived, as GE and Philips files do): P 0.15 mV, QRS, T 0.3 mV, at {@code bpm}.
     */
    static Ecg beats(double fs, double seconds, double bpm) {
        int n = (int) Math.round(fs * seconds);
        double rr = 60.0 / bpm;
        List<Lead> leads = new ArrayList<>();
        for (int l = 0; l < RECORDED.length; l++) {
            double r = R_S[l][0];
            double s = R_S[l][1];
            float[] uv = new float[n];
            for (int i = 0; i < n; i++) {
                double t = i / fs;
                // the beat nearest t; first R at 0.35 s so the first P wave is whole
                double k = Math.rint((t - 0.35) / rr);
                double dt = t - (0.35 + k * rr);
                uv[i] = (float) (g(dt, -0.16, 0.025, 150) + g(dt, -0.025, 0.008, -80) + g(dt, 0, 0.011, r)
                        + g(dt, 0.027, 0.010, -s) + g(dt, 0.28, 0.05, 300));
            }
            leads.add(Lead.of(RECORDED[l], uv));
        }
        return ecg(new EcgWaveform(fs, leads));
    }

    /** All twelve standard leads given, every one the same function of time (s → µV). */
    static Ecg twelve(double fs, double seconds, DoubleUnaryOperator uvAt) {
        int n = (int) Math.round(fs * seconds);
        float[] uv = samples(fs, n, uvAt);
        List<Lead> leads = new ArrayList<>();
        for (LeadName name : LeadName.STANDARD_12) {
            leads.add(Lead.of(name, uv.clone()));
        }
        return ecg(new EcgWaveform(fs, leads));
    }

    /** The given leads, each with its own function of time. */
    static Ecg leads(double fs, double seconds, List<LeadName> names, List<DoubleUnaryOperator> fns) {
        int n = (int) Math.round(fs * seconds);
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            leads.add(Lead.of(names.get(i), samples(fs, n, fns.get(i))));
        }
        return ecg(new EcgWaveform(fs, leads));
    }

    static float[] samples(double fs, int n, DoubleUnaryOperator uvAt) {
        float[] uv = new float[n];
        for (int i = 0; i < n; i++) {
            uv[i] = (float) uvAt.applyAsDouble(i / fs);
        }
        return uv;
    }

    static Ecg ecg(EcgWaveform w) {
        return new Ecg(EcgFormat.SCP_ECG, LocalDateTime.of(2026, 3, 14, 9, 26, 53),
                new EcgPatient("HZ-0001", "张^三", "M", LocalDate.of(1980, 6, 1), 45),
                new EcgDevice("Huizhen", "synthetic", null, null), w, Optional.empty(),
                new DeviceMeasurements(60.0, 1000.0, 160.0, 88.0, 400.0, 400.0, 55.0, 45.0, 40.0),
                List.of("窦性心律", "正常心电图"), null);
    }

    /** A Gaussian of height {@code a} µV and width {@code sigma} s centred at {@code mu} s. */
    static double g(double t, double mu, double sigma, double a) {
        double z = (t - mu) / sigma;
        return a * Math.exp(-0.5 * z * z);
    }
}
