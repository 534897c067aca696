package org.huizhen.dicom.ecg.measure;

/**
 * Small zero-phase digital filters shared by the QRS detector and the delineator: second-order
 * Butterworth sections (bilinear transform, the biquad forms of R. Bristow-Johnson's "Audio EQ
 * Cookbook") run forward then backward, so the output has no delay and fiducial points need no
 * delay correction; moving averages by prefix sums.
 *
 * <p>Stateless; every method allocates its output.
 */
final class Filters {
    private Filters() {
    }

    /** Zero-phase 2nd-order Butterworth low-pass at {@code fc} Hz (applied twice: 4th-order magnitude). */
    static float[] lowPass(float[] x, double fs, double fc) {
        double w0 = 2 * Math.PI * Math.min(fc, 0.45 * fs) / fs;
        double cos = Math.cos(w0);
        double alpha = Math.sin(w0) / (2 * Math.sqrt(0.5));
        double a0 = 1 + alpha;
        double b0 = (1 - cos) / 2 / a0;
        double b1 = (1 - cos) / a0;
        double b2 = b0;
        double a1 = -2 * cos / a0;
        double a2 = (1 - alpha) / a0;
        return filtfilt(x, b0, b1, b2, a1, a2);
    }

    /** Zero-phase 2nd-order Butterworth high-pass at {@code fc} Hz. */
    static float[] highPass(float[] x, double fs, double fc) {
        double w0 = 2 * Math.PI * fc / fs;
        double cos = Math.cos(w0);
        double alpha = Math.sin(w0) / (2 * Math.sqrt(0.5));
        double a0 = 1 + alpha;
        double b0 = (1 + cos) / 2 / a0;
        double b1 = -(1 + cos) / a0;
        double b2 = b0;
        double a1 = -2 * cos / a0;
        double a2 = (1 - alpha) / a0;
        return filtfilt(x, b0, b1, b2, a1, a2);
    }

    /**
     * Forward-backward biquad. The signal's first (last) value is subtracted before the forward
     * (backward) pass and the state starts at rest, which keeps start-up transients small for
     * both the low-pass (DC gain 1: added back) and the high-pass (DC gain 0).
     */
    private static float[] filtfilt(float[] x, double b0, double b1, double b2, double a1, double a2) {
        int n = x.length;
        float[] y = new float[n];
        if (n == 0) {
            return y;
        }
        double dcGain = (b0 + b1 + b2) / (1 + a1 + a2);
        double off = x[0];
        double x1 = 0;
        double x2 = 0;
        double y1 = 0;
        double y2 = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i] - off;
            double yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = xi;
            y2 = y1;
            y1 = yi;
            y[i] = (float) (yi + off * dcGain);
        }
        off = y[n - 1];
        x1 = 0;
        x2 = 0;
        y1 = 0;
        y2 = 0;
        for (int i = n - 1; i >= 0; i--) {
            double xi = y[i] - off;
            double yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = xi;
            y2 = y1;
            y1 = yi;
            y[i] = (float) (yi + off * dcGain);
        }
        return y;
    }

    /** Centred moving average over {@code w} samples (w ≥ 1), edges averaged over what exists. */
    static float[] movingAverage(float[] x, int w) {
        int n = x.length;
        double[] pre = new double[n + 1];
        for (int i = 0; i < n; i++) {
            pre[i + 1] = pre[i] + x[i];
        }
        float[] y = new float[n];
        int h = w / 2;
        for (int i = 0; i < n; i++) {
            int a = Math.max(0, i - h);
            int b = Math.min(n, i - h + w);
            y[i] = (float) ((pre[b] - pre[a]) / (b - a));
        }
        return y;
    }

    /** Centred difference x[i+k] − x[i−k] (edges clamped). */
    static float[] derivative(float[] x, int k) {
        int n = x.length;
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[Math.min(n - 1, i + k)] - x[Math.max(0, i - k)];
        }
        return y;
    }
}
