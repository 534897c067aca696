package org.huizhen.dicom.ecg.measure;

/**
 * Finds the global wave boundaries on a median beat: QRS onset and offset, P onset and offset,
 * T offset, as one set for all leads (the "global" boundaries of the CSE Working Party, Willems
 * et al., "Common standards for quantitative electrocardiography: goals and main results",
 * Methods Inf Med 29:263–271, 1990: earliest onset / latest offset over the leads, found here on
 * a multi-lead detection function instead of lead by lead).
 *
 * <ul>
 * <li>QRS onset/offset on the spatial velocity {@code SV(t) = sqrt(Σ_leads (dx/dt)²)} of the
 * median beat (low-passed at 40 Hz): from the SV maximum near the fiducial outwards to the first
 * point where SV stays under a threshold for 10 ms. Thresholds: the SV noise level (median SV in
 * the beat) plus {@link #QRS_ON_FRACTION} (onset) / {@link #QRS_OFF_FRACTION} (offset) of the QRS
 * SV peak above it — the threshold-on-derivative approach of Laguna et al., "Automatic detection
 * of wave boundaries in multilead ECG signals: validation with the CSE database", Comput Biomed
 * Res 27:45–60, 1994, applied to the spatial velocity.</li>
 * <li>T offset in every lead with a significant T wave where the slope after the T wave's steepest
 * descent has fallen under a share of that steepest slope (the threshold-on-derivative rule of
 * Laguna et al. 1994, falling back to the tangent method of Lepeschkin &amp; Surawicz); the global
 * T offset is the latest of them ({@link #tOffset}).</li>
 * <li>P wave: the largest hump of the spatial magnitude between 300 ms (at most 60 % of the RR,
 * and not before the previous beat's T offset) before QRS onset and 40 ms before it; absent when under {@link #MIN_P_MICROVOLTS}. Its onset
 * and offset: where the spatial velocity (low-passed at 20 Hz for the onset — P waves have little
 * above it, noise does — and at 30 Hz for the offset, next to the QRS) of its up- and down-slopes falls
 * under {@link #P_ON_FRACTION} (onset) / 15 % (offset) of its own peak for 8 ms.</li>
 * </ul>
 *
 * <p>Baseline of each lead: the mean of the 10 ms before QRS onset (the PR segment; the
 * isoelectric reference of the ST and axis measurements, AHA/ACCF/HRS 2009 recommendations for
 * ST segment, part VI).
 *
 * <p>Stateless.
 */
final class Delineator {
    /**
     * QRS onset / offset thresholds on the spatial velocity, as shares of its QRS peak above the
     * noise level. Hub − device (PR; QRS, Mortara/aECG/MUSE/Philips, with the T end below):
     * onset 4 %, offset 6 % (before): PR −4/+10/+8/+5, QRS −1/−10/−2/−33; 4 %, 4 %: PR
     * −4/+10/+8/+5, QRS +1/−6/0/−31; 3 %, 6 %: PR −5/+8/+6/+5, QRS 0/−8/0/−33; 3 %, 4 %: PR
     * −5/+8/+6/+5, QRS +2/−4/+2/−31; 2 %, 4 %: PR −7/+8/+6/+5. The lower offset threshold follows
     * the slurred terminal QRS of the aECG's precordial leads to its end (CSE: the latest offset
     * over the leads), the lower onset threshold the first deflection of the earliest lead.
     */
    static final double QRS_ON_FRACTION = 0.03;
    /** See {@link #QRS_ON_FRACTION}. */
    static final double QRS_OFF_FRACTION = 0.04;
    static final double MIN_P_MICROVOLTS = 25;
    /**
     * The P wave starts where its upslope's spatial velocity falls under this share of its
     * peak. Hub − device PR (Mortara/aECG/MUSE/Philips): at 15 % −2/+14/+10/+7 ms, at 20 %
     * −4/+10/+8/+5, at 25 % −6/+8/+6/+5, at 30 % −7/+6/+6/+3; the synthetic ECGs (known P onset)
     * −4..0 ms at 20 %, −8..−2 at 25 %, −8..−4 at 30 %: 20 % is the closest to both.
     */
    static final double P_ON_FRACTION = 0.20;
    /** The P offset is searched on a less smoothed signal than the P onset: 20 Hz would spread the QRS rise back over a short PR segment. */
    static final double P_OFFSET_LOWPASS_HZ = 30;

    private Delineator() {
    }

    /**
     * Wave boundaries as sample indices into the median beat (null = not found) and per-lead
     * baselines (µV).
     */
    record Waves(Integer pOn, Integer pOff, int qrsOn, int qrsOff, Integer tOff, float[] baseline) {
    }

    /**
     * Delineates {@code mb} using the leads {@code use} (indices into mb.leads()) for the
     * detection functions; {@code rrSamples} is the median RR. Null when no QRS is found.
     */
    static Waves delineate(MedianBeat mb, int[] use, double rrSamples) {
        double fs = mb.fs();
        int len = mb.length();
        int f = mb.fiducial();
        float[][] lp = new float[use.length][];
        float[][] lpP = new float[use.length][];
        float[][] lpPOff = new float[use.length][];
        for (int k = 0; k < use.length; k++) {
            lp[k] = Filters.lowPass(mb.leads()[use[k]], fs, 40);
            lpP[k] = Filters.lowPass(mb.leads()[use[k]], fs, 20);
            lpPOff[k] = Filters.lowPass(mb.leads()[use[k]], fs, P_OFFSET_LOWPASS_HZ);
        }
        double[] sv = spatialVelocity(lp, fs);
        int ms10 = Math.max(1, (int) Math.round(0.010 * fs));
        // QRS: the SV peak within ±60 ms of the fiducial
        int h = (int) Math.round(0.060 * fs);
        int peak = f;
        for (int i = Math.max(1, f - h); i <= Math.min(len - 2, f + h); i++) {
            if (sv[i] > sv[peak]) {
                peak = i;
            }
        }
        double noise = median(sv);
        double top = sv[peak];
        if (!(top > 2 * noise) || top <= 0) {
            return null;
        }
        double thrOn = noise + QRS_ON_FRACTION * (top - noise);
        double thrOff = noise + QRS_OFF_FRACTION * (top - noise);
        int limitOn = Math.max(1, f - (int) Math.round(0.150 * fs));
        int limitOff = Math.min(len - 2, f + (int) Math.round(0.200 * fs));
        int on = peak;
        int run = 0;
        for (int i = peak; i >= limitOn; i--) {
            run = sv[i] < thrOn ? run + 1 : 0;
            on = i;
            if (run >= ms10) {
                on = i + run - 1;
                break;
            }
        }
        int off = offsetFrom(sv, peak, limitOff, thrOff, ms10);
        float[] base = new float[mb.leads().length];
        int b0 = Math.max(0, on - ms10);
        for (int l = 0; l < base.length; l++) {
            double s = 0;
            for (int i = b0; i < on; i++) {
                s += mb.leads()[l][i];
            }
            base[l] = on > b0 ? (float) (s / (on - b0)) : mb.leads()[l][on];
        }
        float[] baseUse = new float[use.length];
        for (int k = 0; k < use.length; k++) {
            baseUse[k] = base[use[k]];
        }
        Integer tOff = tOffset(lpP, baseUse, fs, off, f, rrSamples, len);
        // the P wave starts after the previous beat's T wave: that ended one RR before this T end
        int notBefore = tOff == null ? 0 : tOff - (int) Math.round(rrSamples) + (int) Math.round(0.020 * fs);
        int[] p = pWave(lpP, lpPOff, baseUse, fs, on, rrSamples, notBefore);
        return new Waves(p == null ? null : p[0], p == null ? null : p[1], on, off, tOff, base);
    }

    /** First point at or after {@code from} where SV stays under {@code thr} for {@code run} samples. */
    private static int offsetFrom(double[] sv, int from, int limit, double thr, int run) {
        int quiet = 0;
        int off = from;
        for (int i = from; i <= limit; i++) {
            quiet = sv[i] < thr ? quiet + 1 : 0;
            off = i;
            if (quiet >= run) {
                return i - quiet + 1;
            }
        }
        return off;
    }

    private static double[] spatialVelocity(float[][] x, double fs) {
        int len = x[0].length;
        double[] sv = new double[len];
        for (int i = 1; i < len - 1; i++) {
            double s = 0;
            for (float[] l : x) {
                double d = (l[i + 1] - l[i - 1]) * fs / 2;
                s += d * d;
            }
            sv[i] = Math.sqrt(s);
        }
        sv[0] = sv[1];
        sv[len - 1] = sv[len - 2];
        return sv;
    }

    private static double[] magnitude(float[][] x, float[] base) {
        int len = x[0].length;
        double[] m = new double[len];
        for (int i = 0; i < len; i++) {
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                double d = x[k][i] - base[k];
                s += d * d;
            }
            m[i] = Math.sqrt(s);
        }
        return m;
    }

    /** Leads whose T wave is under this share of the largest lead's T amplitude do not vote for the T offset. */
    static final double T_SIGNIFICANT = 0.3;
    /**
     * A lead's T wave ends where its slope, after the steepest return towards the baseline, has
     * fallen under this share of that steepest slope (for {@value #T_END_QUIET_S} s): the
     * threshold-on-derivative T end of Laguna et al. 1994 (the T end is searched after the
     * maximum slope of the T wave's last half, where the derivative falls under the maximum /
     * k). Measured against the devices (hub − device QT, Mortara/aECG/MUSE/Philips, with the QRS
     * thresholds above): 0.15 +12/+6/−2/+10 ms, 0.17 +10/+2/−4/+8, 0.18 +9/−2/−6/+8, 0.2
     * +7/−4/−8/+6, 0.22 +5/−6/−10/+6, 0.25 +2/−8/−14/+6. The devices do not agree on one
     * threshold (Mortara ends its T waves earliest, MUSE latest): 0.2 leaves the largest
     * difference smallest.
     */
    static final double T_END_SLOPE_FRACTION = 0.2;
    /** The slope must stay under the threshold this long (s) for the T wave to have ended. */
    static final double T_END_QUIET_S = 0.016;

    /**
     * Global T offset: the latest of the per-lead T ends over the leads whose T wave is
     * significant ({@link #T_SIGNIFICANT}), on the median beat low-passed at 20 Hz (a T wave has
     * little above it, noise does). A lead's T end: from its T peak (the largest deviation from
     * its PR-segment baseline, of either polarity) to its steepest return towards the baseline,
     * then on to where the slope falls under {@link #T_END_SLOPE_FRACTION} of that steepest
     * slope (Laguna et al. 1994); where it never does within the search window, the tangent
     * method's end (Lepeschkin &amp; Surawicz, Circulation 6:378–388, 1952: the steepest
     * descent extended to the baseline). The latest end over leads is the CSE definition of a
     * global offset (Willems et al. 1990) and what resting-ECG programs report as "QT" (the
     * earliest QRS onset to the latest T end over the 12 leads, e.g. GE 12SL and Philips DXL
     * physician's guides). Null when no lead has a T wave that turns back towards the baseline.
     *
     * <p>The tangent alone ends where the steepest descent would meet the baseline, before a T
     * wave that flattens out gradually has visibly returned to it: hub − device QT
     * 0/−14/−24/−20 ms (Mortara/aECG/MUSE/Philips) with it against +7/−4/−8/+6 with the slope
     * threshold (both with the QRS onset thresholds of their time). Tried and rejected before: tangent on the spatial magnitude (−8/−26/−36/−30),
     * spatial magnitude falling to 3–15 % of the T peak above its post-T minimum (at 10 %:
     * +37/−4/−26/−20; unstable where the magnitude has a slow tail, Mortara 3 %: +223),
     * trapezium area (Vázquez-Seisdedos et al. 2011) with the window end as fixed point
     * (+43/+12/−2/−10), Zhang et al. 2006 sliding-window area over 40–128 ms (at 128 ms
     * +4/−28/−26/−10), per-lead amplitude thresholds (unstable, +90..+322 ms on Mortara and
     * aECG), the second-latest lead (−6/−22/−30/−16); and now the spatial velocity of all leads
     * falling under 10–40 % of its T-downslope peak (at 20 %: +5/+20/−14/+2, the aECG's
     * low-amplitude, noisy T waves make it jump by 40 ms between 15 and 20 %).
     */
    private static Integer tOffset(float[][] x, float[] base, double fs, int qrsOff, int f, double rr, int len) {
        int from = qrsOff + (int) Math.round(0.060 * fs);
        // the T wave ends before the next beat's P wave: search at most to 80 % of the RR after the fiducial
        int to = Math.min(len - 2, f + (int) Math.round(Math.max(0.8 * rr, 0.25 * fs)));
        if (from >= to) {
            return null;
        }
        int quietRun = Math.max(1, (int) Math.round(T_END_QUIET_S * fs));
        int nl = x.length;
        double[] amp = new double[nl];
        int[] ends = new int[nl];
        double maxAmp = 0;
        for (int k = 0; k < nl; k++) {
            float[] m = x[k];
            float b = base[k];
            ends[k] = -1;
            // the T peak: the largest deviation from the baseline, of either polarity
            int tp = from;
            for (int i = from; i <= to; i++) {
                if (Math.abs(m[i] - b) > Math.abs(m[tp] - b)) {
                    tp = i;
                }
            }
            double sg = Math.signum(m[tp] - b);
            if (tp >= to || sg == 0) {
                continue;
            }
            // steepest return towards the baseline after the peak (slope in units per sample, < 0)
            int steep = -1;
            double slope = 0;
            for (int i = tp + 1; i < to && sg * (m[i] - b) > 0; i++) {
                double d = sg * (m[i + 1] - m[i - 1]) / 2;
                if (d < slope) {
                    slope = d;
                    steep = i;
                }
            }
            if (steep < 0) {
                continue;
            }
            amp[k] = Math.abs(m[tp] - b);
            maxAmp = Math.max(maxAmp, amp[k]);
            // Laguna 1994: on from the steepest slope to where the slope stays under a share of it
            int end = -1;
            for (int i = steep, quiet = 0; i < to; i++) {
                double d = sg * (m[i + 1] - m[i - 1]) / 2;
                quiet = d > T_END_SLOPE_FRACTION * slope ? quiet + 1 : 0;
                if (quiet >= quietRun) {
                    end = i - quiet + 1;
                    break;
                }
            }
            // the tangent method where the slope never settles (noise, or a U wave running into the window end)
            ends[k] = end >= 0 ? end : Math.min(to, (int) Math.round(steep - sg * (m[steep] - b) / slope));
        }
        int end = -1;
        for (int k = 0; k < nl; k++) {
            if (ends[k] > 0 && amp[k] >= T_SIGNIFICANT * maxAmp) {
                end = Math.max(end, ends[k]);
            }
        }
        return end < 0 ? null : end;
    }

    /** P onset and offset, or null when there is no P wave. */
    private static int[] pWave(float[][] x, float[][] x40, float[] base, double fs, int qrsOn, double rr, int notBefore) {
        notBefore = Math.max(0, notBefore);
        int from = Math.max(notBefore, qrsOn - (int) Math.round(Math.min(0.300 * fs, 0.6 * rr)));
        int to = qrsOn - (int) Math.round(0.040 * fs);
        if (from < 1 || to <= from + 2) {
            return null;
        }
        double[] m = magnitude(x, base);
        int pk = from;
        for (int i = from; i <= to; i++) {
            if (m[i] > m[pk]) {
                pk = i;
            }
        }
        // a hump: higher than both window ends by MIN_P
        double lowLeft = Double.MAX_VALUE;
        for (int i = from; i <= pk; i++) {
            lowLeft = Math.min(lowLeft, m[i]);
        }
        double lowRight = Double.MAX_VALUE;
        for (int i = pk; i <= qrsOn; i++) {
            lowRight = Math.min(lowRight, m[i]);
        }
        if (pk == from || pk == to || m[pk] - Math.max(lowLeft, lowRight) < MIN_P_MICROVOLTS) {
            return null;
        }
        double[] sv = spatialVelocity(x, fs);
        int ms10 = Math.max(1, (int) Math.round(0.010 * fs));
        int ms5 = Math.max(2, (int) Math.round(0.008 * fs));
        // upslope: the SV maximum left of the peak
        int left = Math.max(Math.max(1, notBefore), from - (int) Math.round(0.05 * fs));
        int up = pk;
        for (int i = pk; i >= left; i--) {
            if (sv[i] > sv[up]) {
                up = i;
            }
        }
        // downslope: on the less smoothed (30 Hz) signal, because the 20 Hz smoothing would spread
        // the QRS's rise back over a short PR segment; the SV maximum right of the peak, no farther
        // than 1.5 × the upslope's distance (near the QRS onset the largest SV is the QRS's own)
        double[] sv40 = spatialVelocity(x40, fs);
        int downEnd = Math.min(qrsOn - ms10, pk + Math.max(ms10, (int) Math.round(1.5 * (pk - up))));
        int down = pk;
        for (int i = pk; i < downEnd; i++) {
            if (sv40[i] > sv40[down]) {
                down = i;
            }
        }
        double thrUp = P_ON_FRACTION * sv[up];
        double thrDown = 0.15 * sv40[down];
        // when the slope never settles (a T wave's tail runs into the P wave at fast rates), the
        // quietest point between them is the onset
        int on = -1;
        int quietest = up;
        for (int i = up, run = 0; i >= left; i--) {
            run = sv[i] < thrUp ? run + 1 : 0;
            if (sv[i] < sv[quietest]) {
                quietest = i;
            }
            if (run >= ms5) {
                on = i + run - 1;
                break;
            }
        }
        if (on < 0) {
            on = quietest;
        }
        // likewise, when the PR segment is short or sloped, the quietest point before the QRS
        int off = -1;
        int quiet = down;
        for (int i = down, run = 0; i < qrsOn; i++) {
            run = sv40[i] < thrDown ? run + 1 : 0;
            if (sv40[i] < sv40[quiet]) {
                quiet = i;
            }
            if (run >= ms5) {
                off = i - run + 1;
                break;
            }
        }
        if (off < 0) {
            off = quiet;
        }
        return on < pk && off > pk ? new int[] {on, off} : null;
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }
}
