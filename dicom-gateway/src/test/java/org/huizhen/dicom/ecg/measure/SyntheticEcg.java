package org.huizhen.dicom.ecg.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Builds synthetic ECGs with known wave boundaries for the measurement and screening tests.
 * Each wave is a raised-cosine (Hann) pulse with finite support, so its onset and offset are
 * exact: P over [pOn, pOn + pDur], QRS as Q, R and S pulses filling [qrsOn, qrsOn + qrsDur],
 * T over [qrsOn + qt − tDur, qrsOn + qt]. Waves project on the leads from frontal vectors
 * (Einthoven: I = E cos θ, II = E cos(θ − 60°)) and fixed precordial amplitudes. Leads I, II
 * and V1–V6 are produced (the limb leads III, aVR, aVL, aVF are left to the analyzer to derive,
 * as for GE MUSE or Philips files). Noise: white Gaussian (µV rms) plus a sinusoidal baseline
 * wander. Not thread-safe (builder).
 */
final class SyntheticEcg {
    double fs = 500;
    double seconds = 10;
    /** RR intervals in seconds, cycled; default 0.8 s (75/min). */
    double[] rr = {0.8};
    double prMs = 160;
    double pDurMs = 100;
    double qrsMs = 90;
    double qtMs = 380;
    double tDurMs = 200;
    double pAxisDeg = 60;
    double qrsAxisDeg = 45;
    double tAxisDeg = 40;
    double pMv = 0.15;
    double rMv = 1.2;
    double tMv = 0.35;
    double noiseUv = 0;
    double wanderUv = 0;
    double wanderHz = 0.3;
    /** ST elevation (µV) per lead name, added from QRS offset to the T offset as a plateau joined to the T. */
    final java.util.Map<LeadName, Double> stUv = new java.util.EnumMap<>(LeadName.class);
    /** First QRS onset (s). */
    double firstBeatS = 0.4;
    long seed = 42;

    static final LeadName[] LEADS = {LeadName.I, LeadName.II, LeadName.V1, LeadName.V2, LeadName.V3, LeadName.V4,
        LeadName.V5, LeadName.V6};
    /** Precordial QRS gains (R, S signs) for V1..V6: rS in V1 to qR in V6. */
    static final double[] V_R = {0.3, 0.5, 0.8, 1.2, 1.1, 0.9};
    static final double[] V_S = {-1.0, -1.2, -0.8, -0.5, -0.25, -0.1};
    static final double[] V_T = {0.1, 0.5, 0.6, 0.6, 0.45, 0.35};
    static final double[] V_P = {0.05, 0.08, 0.1, 0.1, 0.1, 0.1};
    /** Precordial P amplitudes (mV) of this ECG. */
    final double[] vP = V_P.clone();
    /** Every n-th beat is a premature ventricular beat (0 = none): 160 ms wide, opposite polarity, no P, 300 ms early. */
    int pvcEvery = 0;

    /** QRS onsets (samples) of the beats generated. */
    final List<Integer> onsets = new ArrayList<>();

    Ecg build() {
        int n = (int) Math.round(seconds * fs);
        float[][] x = new float[LEADS.length][n];
        Random rnd = new Random(seed);
        onsets.clear();
        double t = firstBeatS;
        int k = 0;
        while (t * fs < n) {
            boolean pvc = pvcEvery > 0 && k % pvcEvery == pvcEvery - 1;
            double at = pvc ? t - 0.3 : t;
            int on = (int) Math.round(at * fs);
            onsets.add(on);
            if (pvc) {
                pvc(x, on, n);
            } else {
                beat(x, on, n);
            }
            t += rr[k++ % rr.length];
        }
        for (int l = 0; l < LEADS.length; l++) {
            double phase = rnd.nextDouble() * 2 * Math.PI;
            for (int i = 0; i < n; i++) {
                x[l][i] += (float) (noiseUv * rnd.nextGaussian() + wanderUv * Math.sin(2 * Math.PI * wanderHz * i / fs + phase));
            }
        }
        List<Lead> leads = new ArrayList<>();
        for (int l = 0; l < LEADS.length; l++) {
            leads.add(Lead.of(LEADS[l], x[l]));
        }
        return new Ecg(EcgFormat.HL7_AECG, null, null, null, new EcgWaveform(fs, leads), Optional.empty(), null, List.of(),
                null);
    }

    /** Limb-lead projection gain of a frontal vector at {@code axis} for lead l (0 = I, 1 = II). */
    private static double limb(int l, double axisDeg) {
        double a = Math.toRadians(axisDeg);
        return l == 0 ? Math.cos(a) : Math.cos(a - Math.toRadians(60));
    }

    private void beat(float[][] x, int on, int n) {
        int pOn = on - ms(prMs);
        int qrsEnd = on + ms(qrsMs);
        int tEnd = on + ms(qtMs);
        int tStart = tEnd - ms(tDurMs);
        for (int l = 0; l < LEADS.length; l++) {
            double pG;
            double rG;
            double sG;
            double tG;
            if (l < 2) {
                pG = pMv * limb(l, pAxisDeg);
                double q = limb(l, qrsAxisDeg);
                rG = rMv * q;
                sG = -0.15 * rMv * Math.abs(q);
                tG = tMv * limb(l, tAxisDeg);
            } else {
                pG = vP[l - 2];
                rG = V_R[l - 2];
                sG = V_S[l - 2];
                tG = V_T[l - 2];
            }
            hann(x[l], pOn, ms(pDurMs), pG * 1000, n);
            // QRS: R over the first 60 %, S over the last 40 % of the QRS
            int rLen = (int) Math.round(0.6 * ms(qrsMs));
            hann(x[l], on, rLen, rG * 1000, n);
            hann(x[l], on + rLen, ms(qrsMs) - rLen, sG * 1000, n);
            hann(x[l], tStart, ms(tDurMs), tG * 1000, n);
            Double st = stUv.get(LEADS[l]);
            if (st != null) {
                // a plateau from the J point that merges into the T wave's first half
                int mid = tStart + ms(tDurMs) / 2;
                for (int i = qrsEnd; i < mid && i < n; i++) {
                    double f = i < tStart ? 1 : 0.5 * (1 + Math.cos(Math.PI * (i - tStart) / (mid - tStart)));
                    x[l][i] += (float) (st * f);
                }
            }
        }
    }

    private void pvc(float[][] x, int on, int n) {
        for (int l = 0; l < LEADS.length; l++) {
            double g = l < 2 ? -rMv * limb(l, qrsAxisDeg) : -V_S[l - 2];
            hann(x[l], on, ms(160), g * 1200, n);
            hann(x[l], on + ms(200), ms(200), -g * 400, n);
        }
    }

    private int ms(double v) {
        return (int) Math.round(v * fs / 1000);
    }

    /** Adds a raised-cosine pulse of peak {@code amp} µV over [start, start + len). */
    private static void hann(float[] x, int start, int len, double amp, int n) {
        for (int i = 0; i < len; i++) {
            int j = start + i;
            if (j >= 0 && j < n) {
                x[j] += (float) (amp * 0.5 * (1 - Math.cos(2 * Math.PI * (i + 0.5) / len)));
            }
        }
    }
}
