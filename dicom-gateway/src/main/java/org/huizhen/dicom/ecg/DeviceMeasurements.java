package org.huizhen.dicom.ecg;

/**
 * The recording device's own global measurements, as the file states them (never the hub's).
 * Each value is null when the file does not carry it. Units: ms, beats/min, degrees.
 */
public record DeviceMeasurements(Double heartRateBpm, Double rrMs, Double prMs, Double qrsMs, Double qtMs,
        Double qtcMs, Double pAxisDeg, Double qrsAxisDeg, Double tAxisDeg) {
    /** Nothing measured. */
    public static final DeviceMeasurements NONE = new DeviceMeasurements(null, null, null, null, null, null, null, null, null);

    /** True when no value is present. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
