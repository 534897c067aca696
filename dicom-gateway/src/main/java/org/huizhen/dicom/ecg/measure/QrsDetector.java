package org.huizhen.dicom.ecg.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-lead QRS detector after Pan &amp; Tompkins, "A Real-Time QRS Detection Algorithm", IEEE
 * Trans Biomed Eng 32(3):230–236, 1985, with the decision rules Hamilton &amp; Tompkins found best
 * in "Quantitative Investigation of QRS Detection Rules Using the MIT/BIH Arrhythmia Database",
 * IEEE Trans Biomed Eng 33(12):1157–1165, 1986. Implemented here from the papers' descriptions.
 *
 * <p>Stages (PT §II): band-pass 5–15 Hz (here zero-phase Butterworth sections instead of PT's
 * integer filters, so that the filters work at any sample rate and add no delay), derivative,
 * squaring, moving-window integration over 150 ms. Several leads are combined after squaring
 * (a weighted sum of the leads' squared derivatives, then one integration):
 * <ul>
 * <li>each lead is divided by a local estimate of its own QRS energy (the median of its
 * integrated signal's maxima over 2-s windows in the surrounding 22 s), so no lead dominates by
 * its gain alone;</li>
 * <li>and weighted by its "peakiness" in that 2-s window (maximum / mean of its integrated
 * signal: high where QRS complexes stand out, near 1 in noise) relative to the best lead's,
 * to the power 1.5 (tuned on the MIT-BIH records: without this weighting a noisy V1 adds false
 * beats — 840 in record 101 —, with the power 3 or more beats that only the second lead shows are
 * lost — record 208);</li>
 * <li>a lead is left out (while another is usable) within 1 s of where it is saturated.</li>
 * </ul>
 * With several leads, the beats are decided by a beat-by-beat vote of single-lead detections,
 * weighted by each lead's local RR plausibility, in which the combined detection settles close
 * votes ({@link #fuse}); on the shared MIT-BIH records this removes a share of the false beats a
 * noisy second lead adds to the combination (gross +P 98.63 → 99.54 %, Se 99.41 → 99.23 %).
 *
 * <p>Decision rules (HT 1986): peaks of the integrated signal, a detection threshold
 * {@code noise + TH × (qrs − noise)} from the medians of the last 8 QRS and 8 noise peak
 * heights (HT's median estimator, TH = 0.3125 as there), a 200 ms refractory period, T-wave
 * discrimination for peaks 200–360 ms after a QRS (a peak whose maximum slope is under half the
 * previous QRS's is a T wave; PT §II-E), and search-back when no QRS was found for
 * {@link #SEARCHBACK_RR} × the (upper) median of the last 8 RR intervals (after PT's "RR missed limit",
 * 166 % of the regular-RR average): the largest peak in that interval
 * above half the threshold is taken as a QRS. While the rhythm is irregular (PT §II, "adjusting the
 * average RR interval and rate limits": the last 8 RR intervals not all within 92–116 % of their
 * mean, as in atrial fibrillation), search-back
 * starts at {@link #SEARCHBACK_RR_IRREGULAR} × the median RR, its threshold is halved once more
 * for peaks clear of the T wave (PT, "adjusting the thresholds": both thresholds are halved for irregular rates), every candidate
 * must stand {@link #IRREGULAR_SNR} × above the noise level and may not lie within the T-wave
 * zone before the peak that triggered the search. The detector works offline on a whole recording,
 * so its learning phase reads the first 16 s, and a second pass starts with the peak levels the
 * first pass ended with (no missed beats at the start).
 *
 * <p>Output: one fiducial sample per QRS, at the maximum of the combined squared band-passed
 * amplitude within ±75 ms of the integrated peak (close to the R or S peak of the dominant lead).
 *
 * <p>Stateless and thread-safe.
 */
public final class QrsDetector {
    /** Detection threshold coefficient (HT 1986 Table, median estimator). */
    static final double TH = 0.3125;
    /** Refractory period after a QRS (PT, HT): 200 ms. */
    static final double REFRACTORY_S = 0.200;
    /** Peaks closer than this to the previous QRS need a steep slope (T-wave rule): 360 ms. */
    static final double T_WAVE_S = 0.360;
    /**
     * Search-back after this multiple of the (upper) <em>median</em> of the last 8 RR intervals. PT take
     * 166 % of RR AVERAGE2, the mean of the recent RR intervals that were regular (92–116 % of
     * the average), so that missed beats and irregular rhythm do not inflate the limit; the
     * median is a simpler robust stand-in. With the plain mean of the last 8 intervals, an
     * irregular rhythm with missed beats (AF with small aberrated beats, MIT-BIH 201) raised the
     * limit past the gaps those misses left (gaps 1.5–1.6 × the recent median RR). Measured
     * (gross Se / +P): mean × 1.66 99.49 / 99.50 %; median × 1.66 99.46 / 99.50; median × 1.5
     * 99.52 / 99.50 (106 Se 99.41 → 99.47, 208 99.43 → 99.51); median × 1.4 99.53 / 99.49; the mean of the two middle values × 1.5 99.53 / 99.48;
     * 25th percentile × 1.66 99.51 / 99.34; minimum × 1.66 99.49 / 99.13 (T waves after
     * compensatory pauses taken as beats).
     */
    static final double SEARCHBACK_RR = 1.5;
    /**
     * Search-back after this multiple of the (upper) median RR while the rhythm is irregular (PT's
     * rate limits: not all of the last 8 RR intervals within 92–116 % of their mean). In atrial
     * fibrillation with small premature aberrated beats (MIT-BIH 201: 'a' beats at 10–20 % of the
     * QRS level of the integrated signal, 0.4–0.6 s after the previous beat and followed by a
     * 1.2–1.5 s pause) the gaps the missed beats leave raise the median itself, so that such a
     * gap is only 1.4–1.6 × the measured median. Measured with the irregular-rhythm candidate
     * rules below (gross Se / +P; 201 Se): 1.5 99.57 / 99.57, 97.17 %; 1.4 99.65 / 99.57,
     * 98.22 %; 1.3 99.68 / 99.56, 98.49 % (106 +P 99.29 → 99.18).
     */
    static final double SEARCHBACK_RR_IRREGULAR = 1.4;
    /**
     * In an irregular rhythm, search-back also takes a peak above this share of the detection
     * threshold: PT halve the thresholds for irregular heart rates, so their search-back
     * threshold (half the detection threshold) becomes a quarter. Only for peaks at least
     * {@value #T_WAVE_S} s after the last QRS (Hamilton's OSEA takes search-back peaks from
     * 360 ms on). 0.2 / 0.25 / 0.3: 201 Se 98.29 / 98.22 / 97.90 %, gross unchanged within 0.04 %.
     */
    static final double IRREGULAR_SEARCHBACK_TH = 0.25;
    /**
     * In an irregular rhythm every search-back peak must also stand this far above the noise peak
     * level (the median of the last 8 noise peaks): the premature beats of a clean AF recording
     * are 20–200 × the noise level there, while in a noisy lead a lowered threshold takes noise
     * (without this floor, 106 +P 98.83 → 96.7 %; with it, irregular stretches of 105, 106 and 208
     * also lose false beats the plain half-threshold search-back took: gross FP 105 → 90).
     * 4 / 5 / 6: gross Se 99.65 / 99.65 / 99.64 %, +P 99.56 / 99.57 / 99.57 %; 8: 208 Se 99.10 %.
     */
    static final double IRREGULAR_SNR = 5;
    /** Moving-window integration width (PT: 150 ms). */
    static final double MWI_S = 0.150;

    private QrsDetector() {
    }

    /**
     * Detects QRS complexes on simultaneously sampled leads ({@code leads[lead][sample]}, µV or
     * any linear unit; all the same length) at {@code fs} Hz. Returns fiducial sample indices in
     * ascending order; empty for signals too short (&lt; 1 s) or flat.
     */
    public static int[] detect(float[][] leads, double fs) {
        if (leads.length == 0 || !(fs > 0)) {
            return new int[0];
        }
        // the detector needs nothing above ~30 Hz: above 500 Hz, decimate to 250..500 Hz by block
        // averages (the band-pass removes what the boxcar lets alias) and map the indices back
        int k = (int) (fs / 250);
        if (fs > 500 && k >= 2) {
            float[][] dec = new float[leads.length][];
            for (int l = 0; l < leads.length; l++) {
                float[] x = leads[l];
                float[] y = new float[x.length / k];
                for (int i = 0; i < y.length; i++) {
                    float s = 0;
                    for (int j = 0; j < k; j++) {
                        s += x[i * k + j];
                    }
                    y[i] = s / k;
                }
                dec[l] = y;
            }
            int[] d = detectAtRate(dec, fs / k);
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] * k + k / 2;
            }
            return d;
        }
        if (leads.length > 1) {
            return fuse(leads, fs);
        }
        return detectAtRate(leads, fs);
    }

    /**
     * Per-lead detection and a vote (several leads). Each lead is run through the detector alone,
     * and all leads together through the combined detector. A lead's <em>reliability</em> near a
     * beat is the share of its RR intervals within ±{@value #RELIABILITY_WINDOW_S} s that are
     * plausible (between half and 1.8 times the combined detector's local median RR): noise adds
     * short intervals, missed beats long ones. For every cluster of detections within 100 ms, the single leads
     * vote: the reliabilities of the leads that saw a beat against those of the leads that did
     * not (their reliability at their nearest detection). The beat is kept when the vote is
     * positive by {@value #VOTE_MARGIN} of the total, or when the combined detector saw it and
     * the vote is not negative by more than {@value #COMBINED_OVERRIDE} (beats that are small in
     * every lead, like the normal beats between large PVCs in bigeminy, show only in the
     * combined signal) and it does not make a short RR ({@link #SHORT_RR}). The fiducial is the
     * first lead's when it saw the beat.
     */
    static int[] fuse(float[][] leads, double fs) {
        int nl = leads.length;
        int[][] d = new int[nl + 1][];
        for (int l = 0; l < nl; l++) {
            d[l] = detectAtRate(new float[][] {leads[l]}, fs);
        }
        d[nl] = detectAtRate(leads, fs);
        double win = RELIABILITY_WINDOW_S * fs;
        double[][] rel = new double[nl][];
        for (int l = 0; l < nl; l++) {
            rel[l] = reliability(d[l], win, d[nl]);
        }
        int tol = (int) Math.round(0.1 * fs);
        List<int[]> all = new ArrayList<>();
        for (int l = 0; l < nl; l++) {
            for (int k = 0; k < d[l].length; k++) {
                all.add(new int[] {d[l][k], l, k});
            }
        }
        all.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < all.size()) {
            int start = all.get(i)[0];
            double[] relAt = new double[nl];
            boolean[] seen = new boolean[nl];
            int j = i;
            int pos = -1;
            while (j < all.size() && all.get(j)[0] - start <= tol) {
                int l = all.get(j)[1];
                seen[l] = true;
                relAt[l] = rel[l][all.get(j)[2]];
                if (pos < 0 || l == 0) {
                    pos = all.get(j)[0];
                }
                j++;
            }
            // reliability-weighted vote: leads that saw it vs leads that did not (their reliability nearby)
            double yes = 0;
            double no = 0;
            for (int l = 0; l < nl; l++) {
                if (seen[l]) {
                    yes += relAt[l];
                } else {
                    int k = nearestIndex(d[l], start);
                    no += k < 0 ? 0 : rel[l][k];
                }
            }
            double score = (yes - no) / Math.max(1e-9, yes + no);
            boolean comb = nearestDist(d[nl], pos) <= tol;
            boolean byVote = score > VOTE_MARGIN;
            boolean accept = byVote || (comb && score > -COMBINED_OVERRIDE);
            if (accept && !byVote && out.size() >= 3) {
                accept = pos - out.getLast() >= SHORT_RR * recentMedianRr(out);
            }
            if (accept && (out.isEmpty() || pos - out.getLast() > (int) Math.round(REFRACTORY_S * fs))) {
                out.add(pos);
            }
            i = j;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A beat carried only by the combined detector (not by the vote) is dropped when it would end
     * an RR interval shorter than this share of the median of the last 8 RR intervals: noise in
     * one lead comes between beats, while premature beats that matter (PVCs) are mostly carried
     * by the vote. 0.7 was best on the MIT-BIH records (0.6: +P 99.36 %; 0.8: Se 99.19 %).
     */
    static final double SHORT_RR = 0.7;

    private static double recentMedianRr(List<Integer> out) {
        int k = Math.min(8, out.size() - 1);
        int[] rr = new int[k];
        for (int i = 0; i < k; i++) {
            rr[i] = out.get(out.size() - 1 - i) - out.get(out.size() - 2 - i);
        }
        Arrays.sort(rr);
        return rr[k / 2];
    }

    /** Local median RR of {@code ref} within ±win of t (NaN when under 2 intervals). */
    private static double localMedianRr(int[] ref, int t, double win) {
        int a = Arrays.binarySearch(ref, (int) Math.floor(t - win));
        a = a < 0 ? -a - 1 : a;
        int b = Arrays.binarySearch(ref, (int) Math.ceil(t + win));
        b = b < 0 ? -b - 2 : b;
        int n = b - a;
        if (n < 2) {
            return Double.NaN;
        }
        int[] rr = new int[n];
        for (int i = 0; i < n; i++) {
            rr[i] = ref[a + i + 1] - ref[a + i];
        }
        Arrays.sort(rr);
        return rr[n / 2];
    }

    /**
     * Per detection: share of the lead's RR intervals within ±win that are plausible against the
     * <em>combined</em> detector's local median RR (between half and 1.8 times it); the lead's
     * own median where the combined detector has too few beats there. Judged against its own
     * median, a lead that misses every other beat (the normal beats of a bigeminy that are tiny in
     * V1, MIT-BIH 106) looked perfectly regular and out-voted the lead that saw them all: 106 Se
     * 97.23 → 99.41 %, gross Se 99.23 → 99.49 %, +P 99.54 → 99.50 % (105: +P 98.21 → 97.85 %).
     */
    private static double[] reliability(int[] d, double win, int[] ref) {
        double[] r = new double[d.length];
        if (d.length < 3) {
            Arrays.fill(r, 0.5);
            return r;
        }
        int a = 0;
        int b = 0;
        for (int i = 0; i < d.length; i++) {
            while (d[a] < d[i] - win) {
                a++;
            }
            while (b + 1 < d.length && d[b + 1] <= d[i] + win) {
                b++;
            }
            if (b - a < 2) {
                r[i] = 0.5;
                continue;
            }
            double med = ref.length < 3 ? Double.NaN : localMedianRr(ref, d[i], win);
            if (Double.isNaN(med)) {
                int[] own = new int[b - a];
                for (int k = a; k < b; k++) {
                    own[k - a] = d[k + 1] - d[k];
                }
                Arrays.sort(own);
                med = own[own.length / 2];
            }
            int good = 0;
            for (int k = a; k < b; k++) {
                int v = d[k + 1] - d[k];
                if (v >= 0.5 * med && v <= 1.8 * med) {
                    good++;
                }
            }
            r[i] = (double) good / (b - a);
        }
        return r;
    }

    /** A beat is kept when the reliability-weighted vote of the single leads is above this margin ... */
    static final double VOTE_MARGIN = 0.05;
    /** ... or when the combined detector saw it and the vote is not below −this margin. */
    static final double COMBINED_OVERRIDE = 0.3;
    /** Half-width of the window a lead's reliability is judged over (s). */
    static final double RELIABILITY_WINDOW_S = 20;

    private static int nearestDist(int[] d, int t) {
        int k = nearestIndex(d, t);
        return k < 0 ? Integer.MAX_VALUE : Math.abs(d[k] - t);
    }

    private static int nearestIndex(int[] d, int t) {
        int k = Arrays.binarySearch(d, t);
        if (k >= 0) {
            return k;
        }
        int ins = -k - 1;
        if (ins >= d.length) {
            return d.length - 1;
        }
        if (ins == 0) {
            return 0;
        }
        return t - d[ins - 1] < d[ins] - t ? ins - 1 : ins;
    }

    private static int[] detectAtRate(float[][] leads, double fs) {
        int n = Integer.MAX_VALUE;
        for (float[] l : leads) {
            n = Math.min(n, l.length);
        }
        if (n < fs) {
            return new int[0];
        }
        Features f = features(leads, n, fs);
        if (f == null) {
            return new int[0];
        }
        int[] peaks = candidatePeaks(f.mwi, fs);
        if (peaks.length == 0) {
            return new int[0];
        }
        double[] init = initialLevels(f.mwi, fs);
        Pass p1 = decide(f, peaks, fs, init[0], init[1], -1);
        Pass p2 = decide(f, peaks, fs, p1.qrsLevel, p1.noiseLevel, p1.meanRr);
        return locate(f, p2.qrsPeaks, fs);
    }

    /** The combined signals the decision runs on. */
    private record Features(float[] mwi, float[] slope, float[] amp) {
    }

    private static Features features(float[][] leads, int n, double fs) {
        int k = Math.max(1, (int) Math.round(fs * 0.004));
        int mwiW = Math.max(1, (int) Math.round(fs * MWI_S));
        float[] sumSq = new float[n];
        float[] sumAmp = new float[n];
        List<float[]> scales = new ArrayList<>();
        List<float[]> quals = new ArrayList<>();
        List<float[]> sqs = new ArrayList<>();
        List<float[]> bps = new ArrayList<>();
        List<float[]> raws = new ArrayList<>();
        for (float[] lead : leads) {
            float[] x = lead.length == n ? lead : Arrays.copyOf(lead, n);
            float[] bp = Filters.lowPass(Filters.highPass(x, fs, 5), fs, 15);
            float[] d = Filters.derivative(bp, k);
            float[] sq = new float[n];
            for (int i = 0; i < n; i++) {
                sq[i] = d[i] * d[i];
            }
            float[] mwi = Filters.movingAverage(sq, mwiW);
            float[][] sc = localScale(mwi, fs);
            if (sc == null) {
                continue; // flat lead
            }
            scales.add(sc[0]);
            quals.add(sc[1]);
            sqs.add(sq);
            bps.add(bp);
            raws.add(x);
        }
        if (sqs.isEmpty()) {
            return null;
        }
        // weights: 1 / local QRS level × (peakiness / best lead's peakiness)^1.5; saturated stretches out
        int nl = sqs.size();
        boolean[][] bad = new boolean[nl][];
        for (int l = 0; l < nl; l++) {
            bad[l] = saturated(raws.get(l), fs);
        }
        for (int i = 0; i < n; i++) {
            float best = 0;
            int good = 0;
            for (int l = 0; l < nl; l++) {
                best = Math.max(best, quals.get(l)[i]);
                good += bad[l][i] ? 0 : 1;
            }
            for (int l = 0; l < nl; l++) {
                if (good > 0 && bad[l][i]) {
                    continue;
                }
                float r = quals.get(l)[i] / best;
                float w = (float) (r * Math.sqrt(r)) / scales.get(l)[i];
                float[] bp = bps.get(l);
                sumSq[i] += sqs.get(l)[i] * w;
                sumAmp[i] += bp[i] * bp[i] * w;
            }
        }
        return new Features(Filters.movingAverage(sumSq, mwiW), sumSq, sumAmp);
    }

    /**
     * Marks where a lead is saturated — at least 3 consecutive samples equal to the lead's
     * extreme value over the recording (the amplifier or ADC at its limit, or a lead off) — and
     * {@value #SATURATION_MARGIN_S} s around. The band-pass turns a clipped excursion into steep
     * edges that look like QRS complexes, so such stretches are left out while another lead is
     * usable.
     */
    private static boolean[] saturated(float[] x, double fs) {
        int n = x.length;
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        boolean[] out = new boolean[n];
        if (!(hi > lo)) {
            return out;
        }
        int h = (int) Math.round(SATURATION_MARGIN_S * fs);
        int run = 0;
        for (int i = 0; i < n; i++) {
            run = (x[i] == lo || x[i] == hi) && i > 0 && x[i] == x[i - 1] ? run + 1 : 0;
            if (run >= 2) {
                for (int k = Math.max(0, i - 2 - h), e = Math.min(n - 1, i + h); k <= e; k++) {
                    out[k] = true;
                }
            }
        }
        return out;
    }

    /** Margin around saturated samples that is left out: 1 s. */
    static final double SATURATION_MARGIN_S = 1.0;

    /**
     * Per-sample estimates of a lead's QRS energy and peakiness: the maxima of its integrated
     * signal in 2-s windows, then the median of the maxima of the 11 windows around each window;
     * peakiness = a window's maximum / its mean. Both interpolated linearly between window
     * centres. Null when the lead is flat.
     */
    private static float[][] localScale(float[] mwi, double fs) {
        int n = mwi.length;
        int w = Math.max(1, (int) Math.round(2 * fs));
        int nw = (n + w - 1) / w;
        double[] max = new double[nw];
        double[] ratio = new double[nw];
        for (int j = 0; j < nw; j++) {
            double m = 0;
            double sum = 0;
            int e = Math.min(n, (j + 1) * w);
            for (int i = j * w; i < e; i++) {
                m = Math.max(m, mwi[i]);
                sum += mwi[i];
            }
            max[j] = m;
            ratio[j] = sum > 0 ? m / (sum / (e - j * w)) : 0;
        }
        double[] global = max.clone();
        Arrays.sort(global);
        double gmed = global[global.length / 2];
        if (!(gmed > 0)) {
            return null;
        }
        double[] med = new double[nw];
        double[] q = new double[nw];
        int half = 5;
        double[] buf = new double[2 * half + 1];
        for (int j = 0; j < nw; j++) {
            int a = Math.max(0, j - half);
            int b = Math.min(nw, j + half + 1);
            int m = b - a;
            System.arraycopy(max, a, buf, 0, m);
            Arrays.sort(buf, 0, m);
            // floor at a small fraction of the global level: no division by ~0 in flat stretches
            med[j] = Math.max(buf[m / 2], gmed * 0.05);
            q[j] = ratio[j];
        }
        float[] out = new float[n];
        float[] qo = new float[n];
        for (int i = 0; i < n; i++) {
            double pos = (i - w / 2.0) / w;
            int j0 = (int) Math.floor(pos);
            double t = pos - j0;
            double v0 = med[Math.max(0, Math.min(nw - 1, j0))];
            double v1 = med[Math.max(0, Math.min(nw - 1, j0 + 1))];
            out[i] = (float) (v0 + (v1 - v0) * t);
            double q0 = q[Math.max(0, Math.min(nw - 1, j0))];
            double q1 = q[Math.max(0, Math.min(nw - 1, j0 + 1))];
            qo[i] = (float) (q0 + (q1 - q0) * t);
        }
        return new float[][] {out, qo};
    }

    /** Local maxima of the integrated signal, at least 100 ms apart (the larger one wins). */
    private static int[] candidatePeaks(float[] x, double fs) {
        int n = x.length;
        int h = Math.max(1, (int) Math.round(fs * 0.100));
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < n - 1; i++) {
            if (x[i] > x[i - 1] && x[i] >= x[i + 1] && x[i] > 0) {
                int last = out.isEmpty() ? -1 : out.getLast();
                if (last >= 0 && i - last < h) {
                    if (x[i] > x[last]) {
                        out.set(out.size() - 1, i);
                    }
                } else {
                    out.add(i);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Learning phase: median of 2-s window maxima over the first 16 s as the QRS level; noise at a tenth. */
    private static double[] initialLevels(float[] mwi, double fs) {
        int w = (int) Math.round(2 * fs);
        int nw = Math.max(1, Math.min(8, mwi.length / w));
        double[] m = new double[nw];
        for (int j = 0; j < nw; j++) {
            double mx = 0;
            for (int i = j * w, e = Math.min(mwi.length, (j + 1) * w); i < e; i++) {
                mx = Math.max(mx, mwi[i]);
            }
            m[j] = mx;
        }
        Arrays.sort(m);
        double q = m[nw / 2];
        return new double[] {q, q * 0.1};
    }

    private record Pass(List<Integer> qrsPeaks, double qrsLevel, double noiseLevel, double meanRr) {
    }

    /** Median of the last up-to-8 values of a ring buffer. */
    private static final class Ring {
        private final double[] v = new double[8];
        private int count;
        private int next;

        Ring(double init) {
            Arrays.fill(v, init);
            count = 8;
        }

        void add(double x) {
            v[next] = x;
            next = (next + 1) % v.length;
            count = Math.min(v.length, count + 1);
        }

        double median() {
            double[] c = Arrays.copyOf(v, count);
            Arrays.sort(c);
            return count % 2 == 1 ? c[count / 2] : (c[count / 2 - 1] + c[count / 2]) / 2;
        }
    }

    private static Pass decide(Features f, int[] peaks, double fs, double qrsInit, double noiseInit, double rrInit) {
        Ring qrs = new Ring(qrsInit);
        Ring noise = new Ring(noiseInit);
        double[] rrs = new double[8];
        Arrays.fill(rrs, rrInit > 0 ? rrInit : fs); // 60/min until learnt
        int rrNext = 0;
        int refractory = (int) Math.round(REFRACTORY_S * fs);
        int tWave = (int) Math.round(T_WAVE_S * fs);
        int slopeW = (int) Math.round(0.075 * fs);
        List<Integer> out = new ArrayList<>();
        int last = -1;
        double lastSlope = 0;
        int lastIdx = -1; // index into peaks of the last QRS
        float[] x = f.mwi;
        int i = 0;
        while (i < peaks.length) {
            int p = peaks[i];
            double thr = threshold(qrs, noise);
            double meanRr = mean(rrs);
            // PT: the rhythm is regular while the last 8 RR intervals lie within 92–116 % of their mean
            boolean irregular = !regular(rrs, meanRr);
            double missedLimit = (irregular ? SEARCHBACK_RR_IRREGULAR : SEARCHBACK_RR) * median(rrs);
            // search-back: a beat was probably missed before this peak
            if (last >= 0 && p - last > missedLimit) {
                int best = -1;
                double noiseFloor = IRREGULAR_SNR * noise.median();
                for (int j = lastIdx + 1; j < i; j++) {
                    int q = peaks[j];
                    boolean candidate = q - last >= tWaveOrRefractory(refractory, tWave, meanRr) && x[q] > 0.5 * thr;
                    if (irregular) {
                        // a missed beat leaves intervals outside the T-wave zone on both sides; it
                        // stands clear of the noise; the quarter threshold (PT) only for peaks
                        // clear of the last QRS's T wave (OSEA: search-back peaks ≥ 360 ms after it)
                        candidate = p - q >= tWave && x[q] > noiseFloor && (candidate
                                || q - last >= tWave && x[q] > IRREGULAR_SEARCHBACK_TH * thr);
                    }
                    if (candidate && (best < 0 || x[q] > x[peaks[best]])) {
                        best = j;
                    }
                }
                if (best >= 0) {
                    int q = peaks[best];
                    // PT: a search-back peak updates the signal level with weight 0.25; HT's buffer takes it as is
                    qrs.add(x[q]);
                    rrs[rrNext] = q - last;
                    rrNext = (rrNext + 1) % rrs.length;
                    out.add(q);
                    last = q;
                    lastSlope = maxIn(f.slope, q, slopeW);
                    lastIdx = best;
                    continue; // look at the current peak again, with the new last QRS
                }
            }
            double v = x[p];
            boolean isQrs = false;
            if (v > thr) {
                if (last < 0 || p - last >= tWave) {
                    isQrs = true;
                } else if (p - last >= refractory) {
                    double s = maxIn(f.slope, p, slopeW);
                    // PT §II-E: a T wave's slope is less than half the QRS's (squared: a quarter)
                    isQrs = s >= 0.25 * lastSlope;
                }
            }
            if (isQrs) {
                qrs.add(v);
                if (last >= 0) {
                    rrs[rrNext] = p - last;
                    rrNext = (rrNext + 1) % rrs.length;
                }
                out.add(p);
                last = p;
                lastSlope = maxIn(f.slope, p, slopeW);
                lastIdx = i;
            } else {
                noise.add(v);
            }
            i++;
        }
        return new Pass(out, qrs.median(), noise.median(), mean(rrs));
    }

    /** The upper median (the 5th of 8 sorted values): one interval less for missed beats to pull down. */
    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static int tWaveOrRefractory(int refractory, int tWave, double meanRr) {
        // search-back looks past the T-wave zone when the rhythm is slow enough for it
        return meanRr > 2 * tWave ? tWave : refractory;
    }

    /** PT's RR limits: regular while every one of the last 8 RR intervals is within 92–116 % of their mean. */
    private static boolean regular(double[] rrs, double mean) {
        for (double r : rrs) {
            if (r < 0.92 * mean || r > 1.16 * mean) {
                return false;
            }
        }
        return true;
    }

    private static double threshold(Ring qrs, Ring noise) {
        double q = qrs.median();
        double nz = noise.median();
        return nz + TH * (q - nz);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double d : a) {
            s += d;
        }
        return s / a.length;
    }

    private static double maxIn(float[] x, int c, int h) {
        double m = 0;
        for (int i = Math.max(0, c - h), e = Math.min(x.length - 1, c + h); i <= e; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    /** Moves each integrated-signal peak to the maximum of the combined band-passed amplitude within ±75 ms. */
    private static int[] locate(Features f, List<Integer> peaks, double fs) {
        int h = (int) Math.round(0.075 * fs);
        int[] out = new int[peaks.size()];
        int m = 0;
        for (int p : peaks) {
            int best = p;
            for (int i = Math.max(0, p - h), e = Math.min(f.amp.length - 1, p + h); i <= e; i++) {
                if (f.amp[i] > f.amp[best]) {
                    best = i;
                }
            }
            if (m == 0 || best > out[m - 1]) {
                out[m++] = best;
            }
        }
        return Arrays.copyOf(out, m);
    }
}
