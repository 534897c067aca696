package org.huizhen.dicom.ecg.measure;

import org.huizhen.dicom.ecg.Ecg;

/** Computes the hub's own measurements from an ECG's signal. Stateless and thread-safe. */
public final class EcgAnalyzer {
    private EcgAnalyzer() {
    }

    /** Measures an ECG (derived leads are added first where absent). Never throws for short or flat signals: values become null. */
    public static EcgMeasurements measure(Ecg ecg) {
        throw new UnsupportedOperationException("EcgAnalyzer.measure: to be implemented");
    }
}
