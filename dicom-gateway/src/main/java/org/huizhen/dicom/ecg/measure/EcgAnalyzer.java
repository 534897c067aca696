package org.huizhen.dicom.ecg.measure;

import java.util.ArrayList;
import java.util.List;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Computes the hub's own measurements from an ECG's signal. Stateless and thread-safe.
 *
 * <p>Steps: derived limb leads are added ({@link Ecg#withDerivedLeads}); baseline wander is
 * removed (zero-phase high-pass at 0.5 Hz, so that no wave is shifted in time); QRS complexes
 * are detected on the leads the file recorded ({@link QrsDetector}); RR intervals give the mean
 * rate; a median beat is built from the dominant beats ({@link MedianBeat}) and delineated
 * ({@link Delineator}); then PR = QRS onset − P onset, QRS = QRS offset − onset, QT = T offset −
 * QRS onset, QTc by Bazett (QT / √RR) and Fridericia (QT / ∛RR) with the mean RR in seconds,
 * and frontal axes.
 *
 * <p>Frontal axes: from the <em>net areas</em> (not peak amplitudes) of the wave in leads I and
 * aVF on the median beat, relative to the PR-segment baseline: axis = atan2(2/√3 × area aVF,
 * area I) in degrees, −180..180 — the hexaxial method with leads I (0°) and aVF (+90°) as
 * orthogonal projections of the frontal mean vector; in Einthoven's triangle with Goldberger's
 * augmented leads I = E cos θ while aVF = (√3/2) E sin θ, hence the factor. P over
 * P onset..offset, QRS over QRS onset..offset, T over QRS offset..T offset.
 *
 * <p>Never throws for short, flat or odd signals: what cannot be measured is null (fewer than 2
 * beats: no rate; no median beat: no intervals; no P wave: no PR and no P axis; no I or II: no
 * axes).
 */
public final class EcgAnalyzer {
    /** High-pass corner for baseline wander removal (zero-phase), Hz. */
    static final double BASELINE_HZ = 0.5;
    private static final java.util.Set<LeadName> LIMB_DERIVABLE = java.util.EnumSet.of(LeadName.III, LeadName.AVR,
            LeadName.AVL, LeadName.AVF);

    private EcgAnalyzer() {
    }

    /** Measures an ECG (derived leads are added first where absent). Never throws for short or flat signals: values become null. */
    public static EcgMeasurements measure(Ecg ecg) {
        return analyze(ecg).measurements();
    }

    /**
     * Everything the analysis produced: the measurements, plus the median beat and its wave
     * boundaries for the critical screen (both null when not available).
     *
     * @param leads the leads in the order of the median beat's arrays
     */
    record Analysis(EcgMeasurements measurements, List<Lead> leads, MedianBeat median, Delineator.Waves waves) {
    }

    static final EcgMeasurements EMPTY = new EcgMeasurements(List.of(), null, null, null, null, null, null, null, null,
            null, null, EcgMeasurements.Fiducials.NONE);

    static Analysis analyze(Ecg ecg) {
        EcgWaveform w = ecg.withDerivedLeads().rhythm();
        double fs = w.sampleRateHz();
        int n = w.samplesPerLead();
        List<Lead> leads = w.leads();
        if (leads.isEmpty() || !(fs > 0) || n < 2) {
            return new Analysis(EMPTY, leads, null, null);
        }
        // III, aVR, aVL, aVF carry nothing I and II do not (Einthoven/Goldberger): detection and
        // delineation use the independent leads only, which also saves a third of the work
        boolean hasIandII = index(leads, LeadName.I) >= 0 && index(leads, LeadName.II) >= 0;
        float[][] x = new float[leads.size()][];
        List<Integer> recorded = new ArrayList<>();
        for (int l = 0; l < leads.size(); l++) {
            float[] s = leads.get(l).microvolts();
            float[] c = new float[n];
            System.arraycopy(s, 0, c, 0, n);
            x[l] = Filters.highPass(c, fs, BASELINE_HZ);
            if (!leads.get(l).derived() && !flat(x[l]) && !(hasIandII && LIMB_DERIVABLE.contains(leads.get(l).name()))) {
                recorded.add(l);
            }
        }
        if (recorded.isEmpty()) {
            return new Analysis(EMPTY, leads, null, null);
        }
        float[][] det = new float[recorded.size()][];
        int[] use = new int[recorded.size()];
        for (int k = 0; k < use.length; k++) {
            use[k] = recorded.get(k);
            det[k] = x[use[k]];
        }
        int[] qrs = QrsDetector.detect(det, fs);
        List<Integer> qrsList = new ArrayList<>(qrs.length);
        for (int q : qrs) {
            qrsList.add(q);
        }
        if (qrs.length < 2) {
            return new Analysis(new EcgMeasurements(qrsList, null, null, null, null, null, null, null, null, null, null,
                    EcgMeasurements.Fiducials.NONE), leads, null, null);
        }
        double meanRrSamples = (double) (qrs[qrs.length - 1] - qrs[0]) / (qrs.length - 1);
        double meanRrMs = meanRrSamples * 1000 / fs;
        double rate = 60_000 / meanRrMs;
        MedianBeat mb = MedianBeat.build(x, fs, qrs);
        Delineator.Waves wv = null;
        if (mb != null) {
            try {
                wv = Delineator.delineate(mb, use, medianRr(qrs));
            } catch (RuntimeException e) {
                // a defect here must not cost the rate: the contract is "null when not measurable"
                wv = null;
            }
        }
        if (wv == null) {
            return new Analysis(new EcgMeasurements(qrsList, rate, meanRrMs, null, null, null, null, null, null, null, null,
                    EcgMeasurements.Fiducials.NONE), leads, mb, null);
        }
        double ms = 1000 / fs;
        double qrsMs = (wv.qrsOff() - wv.qrsOn()) * ms;
        Double pr = wv.pOn() == null ? null : (wv.qrsOn() - wv.pOn()) * ms;
        Double qt = wv.tOff() == null ? null : (wv.tOff() - wv.qrsOn()) * ms;
        double rrS = meanRrMs / 1000;
        Double qtcB = qt == null ? null : qt / Math.sqrt(rrS);
        Double qtcF = qt == null ? null : qt / Math.cbrt(rrS);
        int iI = index(leads, LeadName.I);
        int iF = index(leads, LeadName.AVF);
        Double pAxis = wv.pOn() == null ? null : axis(mb, wv.baseline(), iI, iF, wv.pOn(), wv.pOff());
        Double qrsAxis = axis(mb, wv.baseline(), iI, iF, wv.qrsOn(), wv.qrsOff());
        Double tAxis = wv.tOff() == null ? null : axis(mb, wv.baseline(), iI, iF, wv.qrsOff(), wv.tOff());
        var fid = new EcgMeasurements.Fiducials(wv.pOn() == null ? null : (wv.pOn() - wv.qrsOn()) * ms,
                wv.pOff() == null ? null : (wv.pOff() - wv.qrsOn()) * ms, 0.0, qrsMs,
                qt);
        return new Analysis(new EcgMeasurements(qrsList, rate, meanRrMs, pr, qrsMs, qt, qtcB, qtcF, pAxis, qrsAxis, tAxis,
                fid), leads, mb, wv);
    }

    private static boolean flat(float[] x) {
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // under 10 µV peak-to-peak there is no ECG (the quantum of most carts is 1–5 µV)
        return !(hi - lo >= 10);
    }

    private static double medianRr(int[] qrs) {
        int[] rr = new int[qrs.length - 1];
        for (int i = 1; i < qrs.length; i++) {
            rr[i - 1] = qrs[i] - qrs[i - 1];
        }
        java.util.Arrays.sort(rr);
        return rr[rr.length / 2];
    }

    static int index(List<Lead> leads, LeadName name) {
        for (int l = 0; l < leads.size(); l++) {
            if (leads.get(l).name() == name) {
                return l;
            }
        }
        return -1;
    }

    /** atan2(2/√3 × net area in aVF, net area in I) in degrees; null without both leads or with no area. */
    private static Double axis(MedianBeat mb, float[] base, int iI, int iF, int from, int to) {
        if (iI < 0 || iF < 0 || to <= from) {
            return null;
        }
        double a = 0;
        double f = 0;
        for (int i = from; i <= to; i++) {
            a += mb.leads()[iI][i] - base[iI];
            f += mb.leads()[iF][i] - base[iF];
        }
        if (a == 0 && f == 0) {
            return null;
        }
        // Einthoven/Goldberger: I = E cos θ but aVF = (√3/2) E sin θ, so aVF is scaled by 2/√3
        return Math.toDegrees(Math.atan2(f * 2 / Math.sqrt(3), a));
    }
}
