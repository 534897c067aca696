package org.huizhen.dicom.ecg.measure;

import java.util.List;

/**
 * The hub's own measurements of one ECG, computed from the signal (never copied from the
 * device). A value is null when it could not be measured (too short a recording, no P wave,
 * missing leads). Units: ms, beats/min, degrees (frontal plane, −180..180).
 *
 * @param qrsSamples sample index (in the rhythm) of each detected QRS complex's fiducial point
 * @param heartRateBpm mean ventricular rate = 60000 / mean RR
 * @param meanRrMs mean RR interval
 * @param prMs P onset to QRS onset on the representative beat
 * @param qrsMs QRS onset to QRS offset
 * @param qtMs QRS onset to T offset
 * @param qtcBazettMs QT / sqrt(RR in s)
 * @param qtcFridericiaMs QT / cbrt(RR in s)
 * @param pAxisDeg frontal P axis
 * @param qrsAxisDeg frontal QRS axis
 * @param tAxisDeg frontal T axis
 * @param fiducials the representative beat's points, for drawing and for the report
 */
public record EcgMeasurements(List<Integer> qrsSamples, Double heartRateBpm, Double meanRrMs, Double prMs, Double qrsMs,
        Double qtMs, Double qtcBazettMs, Double qtcFridericiaMs, Double pAxisDeg, Double qrsAxisDeg, Double tAxisDeg,
        Fiducials fiducials) {
    public EcgMeasurements {
        qrsSamples = qrsSamples == null ? List.of() : List.copyOf(qrsSamples);
    }

    /**
     * Wave boundaries on the representative beat, in ms from the QRS onset (negative before it);
     * null where not found.
     */
    public record Fiducials(Double pOnsetMs, Double pOffsetMs, Double qrsOnsetMs, Double qrsOffsetMs, Double tOffsetMs) {
        public static final Fiducials NONE = new Fiducials(null, null, null, null, null);
    }
}
