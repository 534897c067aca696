package org.huizhen.dicom.ecg.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The median (representative) beat of a rhythm recording: for every lead, the sample-wise median
 * of the dominant beats aligned on their QRS fiducial points. Medians rather than means so that
 * an odd beat or a noise spike in one beat does not move the result (the approach of the median
 * beats resting-ECG programs store, e.g. the "MEDIAN BEAT" multiplex group of PS3.3 C.10.9).
 *
 * <p>Dominant beats: the beats whose QRS (±60 ms around the fiducial, all leads) correlates at
 * least {@link #MIN_CORRELATION} with the median QRS of all beats after alignment by
 * cross-correlation (±16 ms), and, when at least 3 such beats remain, whose preceding RR is not
 * premature (≥ 80 % of the median RR) — so PVCs and aberrant or premature beats do not distort
 * the median. Beats whose window does not fit in the recording are left out.
 *
 * <p>Immutable value; build with {@link #build}.
 *
 * @param leads median samples per lead ({@code leads[lead][i]}), same order as the input
 * @param fiducial index of the QRS fiducial point in the median arrays
 * @param beatsUsed the rhythm fiducials (after alignment) of the beats that went into the median
 * @param fs sample rate, Hz
 */
record MedianBeat(float[][] leads, int fiducial, int[] beatsUsed, double fs) {
    /** Lowest QRS correlation with the median QRS for a beat to count as dominant. */
    static final double MIN_CORRELATION = 0.9;
    /** Samples before the fiducial in the median beat window (s). */
    static final double PRE_S = 0.45;
    /** Samples after the fiducial (s). */
    static final double POST_S = 0.65;

    /** Number of samples in the median. */
    int length() {
        return leads.length == 0 ? 0 : leads[0].length;
    }

    /**
     * Builds the median beat of {@code x} ({@code x[lead][sample]}) from the fiducials {@code qrs}.
     * Returns null when no beat fits.
     */
    static MedianBeat build(float[][] x, double fs, int[] qrs) {
        int n = x.length == 0 ? 0 : x[0].length;
        int pre = (int) Math.round(PRE_S * fs);
        int post = (int) Math.round(POST_S * fs);
        int half = (int) Math.round(0.060 * fs);
        int maxShift = (int) Math.round(0.016 * fs);
        // beats whose QRS window (with the alignment margin) fits
        List<Integer> cand = new ArrayList<>();
        for (int q : qrs) {
            if (q - half - maxShift >= 0 && q + half + maxShift < n) {
                cand.add(q);
            }
        }
        if (cand.isEmpty()) {
            return null;
        }
        int nl = x.length;
        int w = 2 * half + 1;
        // median QRS template over all candidate beats
        float[][] tmpl = new float[nl][w];
        float[] buf = new float[cand.size()];
        for (int l = 0; l < nl; l++) {
            for (int i = 0; i < w; i++) {
                for (int b = 0; b < cand.size(); b++) {
                    buf[b] = x[l][cand.get(b) - half + i];
                }
                tmpl[l][i] = median(buf, cand.size());
            }
        }
        int[] aligned = new int[cand.size()];
        double[] corr = new double[cand.size()];
        for (int b = 0; b < cand.size(); b++) {
            int q = cand.get(b);
            double best = -2;
            int bestShift = 0;
            for (int s = -maxShift; s <= maxShift; s++) {
                double r = correlation(x, q + s - half, tmpl, w);
                if (r > best) {
                    best = r;
                    bestShift = s;
                }
            }
            aligned[b] = q + bestShift;
            corr[b] = best;
        }
        double medRr = medianRr(qrs);
        List<Integer> dominant = new ArrayList<>();
        List<Integer> notPremature = new ArrayList<>();
        for (int b = 0; b < cand.size(); b++) {
            if (corr[b] >= MIN_CORRELATION && aligned[b] - pre >= 0 && aligned[b] + post < n) {
                dominant.add(aligned[b]);
                int k = Arrays.binarySearch(qrs, cand.get(b));
                boolean premature = k > 0 && medRr > 0 && qrs[k] - qrs[k - 1] < 0.8 * medRr;
                if (!premature) {
                    notPremature.add(aligned[b]);
                }
            }
        }
        List<Integer> use = notPremature.size() >= 3 ? notPremature : dominant;
        if (use.isEmpty()) {
            return null;
        }
        int len = pre + post + 1;
        float[][] med = new float[nl][len];
        float[] col = new float[use.size()];
        for (int l = 0; l < nl; l++) {
            for (int i = 0; i < len; i++) {
                for (int b = 0; b < use.size(); b++) {
                    col[b] = x[l][use.get(b) - pre + i];
                }
                med[l][i] = median(col, use.size());
            }
        }
        return new MedianBeat(med, pre, use.stream().mapToInt(Integer::intValue).toArray(), fs);
    }

    private static double medianRr(int[] qrs) {
        if (qrs.length < 2) {
            return 0;
        }
        int[] rr = new int[qrs.length - 1];
        for (int i = 1; i < qrs.length; i++) {
            rr[i - 1] = qrs[i] - qrs[i - 1];
        }
        Arrays.sort(rr);
        return rr[rr.length / 2];
    }

    /** Pearson correlation of all leads' samples from {@code start} (length w) with the template, concatenated. */
    private static double correlation(float[][] x, int start, float[][] t, int w) {
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        int m = 0;
        for (int l = 0; l < x.length; l++) {
            for (int i = 0; i < w; i++) {
                double a = x[l][start + i];
                double b = t[l][i];
                sx += a;
                sy += b;
                sxx += a * a;
                syy += b * b;
                sxy += a * b;
                m++;
            }
        }
        double cov = sxy - sx * sy / m;
        double vx = sxx - sx * sx / m;
        double vy = syy - sy * sy / m;
        return vx <= 0 || vy <= 0 ? 0 : cov / Math.sqrt(vx * vy);
    }

    /** Median of the first n values of a (reordered in place: insertion sort, n is small). */
    static float median(float[] a, int n) {
        for (int i = 1; i < n; i++) {
            float v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }
}
