package org.huizhen.dicom.ecg.render;

import java.util.Arrays;

/**
 * Turns a run of samples into the polyline a painter draws, with no more than about two points
 * per output column (a pixel of the PNG, a 0.1 mm coordinate step of the SVG).
 *
 * <p>Where a column holds more than two samples (e.g. 1000 Hz at 25 mm/s and 8 px/mm: 5 samples
 * per pixel) only the column's minimum and maximum are kept, in time order. A rasteriser fills a
 * column from its lowest to its highest point whatever lies between, so this draws the same
 * pixels as all samples would (to within the joins with the neighbouring columns) while keeping
 * every peak: a 1-sample QRS spike survives, where taking every n-th sample would lose it.
 * Columns are counted from x = 0 of the page, so they line up with the pixel grid. With two or
 * fewer samples per column every sample is kept.
 *
 * <p>Non-finite samples are skipped (the line joins their neighbours). Values are clamped to a
 * range the caller chooses a little outside the band, where the band's clip hides them.
 *
 * <p>Stateless.
 */
final class TraceDecimator {
    private TraceDecimator() {
    }

    /**
     * The polyline as x,y pairs in mm.
     *
     * @param uv samples in µV
     * @param from first sample
     * @param to one past the last sample
     * @param x0 x of sample 0 (mm)
     * @param mmPerSample x step per sample
     * @param baseline y of 0 µV (mm, y down)
     * @param mmPerMicrovolt gain
     * @param columnMm width of an output column (mm)
     * @param yMin smallest y kept
     * @param yMax largest y kept
     */
    static float[] polyline(float[] uv, int from, int to, double x0, double mmPerSample, double baseline,
            double mmPerMicrovolt, double columnMm, double yMin, double yMax) {
        if (to <= from) {
            return new float[0];
        }
        double perColumn = columnMm / mmPerSample;
        if (perColumn <= 2) {
            float[] out = new float[2 * (to - from)];
            int k = 0;
            for (int i = from; i < to; i++) {
                float v = uv[i];
                if (Float.isFinite(v)) {
                    out[k++] = (float) (x0 + i * mmPerSample);
                    out[k++] = y(v, baseline, mmPerMicrovolt, yMin, yMax);
                }
            }
            return k == out.length ? out : Arrays.copyOf(out, k);
        }
        // at most two points for each column touched: the samples span (to - from - 1) / perColumn
        // columns, touching at most one more at either end, and never more columns than samples
        int columns = (int) Math.min(to - from, Math.ceil((to - from) / perColumn) + 2);
        float[] out = new float[4 * columns];
        int k = 0;
        long column = Long.MIN_VALUE;
        int iMin = -1;
        int iMax = -1;
        for (int i = from; i < to; i++) {
            float v = uv[i];
            if (!Float.isFinite(v)) {
                continue;
            }
            long c = (long) Math.floor((x0 + i * mmPerSample) / columnMm);
            if (c != column) {
                if (iMin >= 0) {
                    k = emit(uv, iMin, iMax, out, k, x0, mmPerSample, baseline, mmPerMicrovolt, yMin, yMax);
                }
                column = c;
                iMin = i;
                iMax = i;
            } else if (v < uv[iMin]) {
                iMin = i;
            } else if (v > uv[iMax]) {
                iMax = i;
            }
        }
        if (iMin >= 0) {
            k = emit(uv, iMin, iMax, out, k, x0, mmPerSample, baseline, mmPerMicrovolt, yMin, yMax);
        }
        return Arrays.copyOf(out, k);
    }

    private static int emit(float[] uv, int iMin, int iMax, float[] out, int k, double x0, double mmPerSample,
            double baseline, double mmPerMicrovolt, double yMin, double yMax) {
        int a = Math.min(iMin, iMax);
        int b = Math.max(iMin, iMax);
        out[k++] = (float) (x0 + a * mmPerSample);
        out[k++] = y(uv[a], baseline, mmPerMicrovolt, yMin, yMax);
        if (b != a) {
            out[k++] = (float) (x0 + b * mmPerSample);
            out[k++] = y(uv[b], baseline, mmPerMicrovolt, yMin, yMax);
        }
        return k;
    }

    private static float y(float v, double baseline, double mmPerMicrovolt, double yMin, double yMax) {
        double y = baseline - v * mmPerMicrovolt;
        return (float) Math.max(yMin, Math.min(yMax, y));
    }
}
