package org.huizhen.dicom.ecg.measure;

import java.util.List;
import org.huizhen.dicom.ecg.Ecg;

/** Screens an ECG for critical patterns that raise its priority. Stateless and thread-safe. */
public final class CriticalScreen {
    private CriticalScreen() {
    }

    /** The flags the rules raise for this ECG and its measurements, in rhythm order; empty when none. */
    public static List<CriticalFlag> screen(Ecg ecg, EcgMeasurements m, CriticalRules rules) {
        throw new UnsupportedOperationException("CriticalScreen.screen: to be implemented");
    }
}
