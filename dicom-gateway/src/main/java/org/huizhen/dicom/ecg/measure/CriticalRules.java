package org.huizhen.dicom.ecg.measure;

/**
 * The thresholds of the critical-pattern screen (configurable per consortium; defaults from
 * Chinese provincial critical-value lists for ECG, 心电图危急值).
 *
 * @param pauseSeconds an RR interval at least this long is a pause (default 3.0 s)
 * @param bradycardiaBpm a mean ventricular rate below this (default 35/min)
 * @param tachycardiaBpm a rate at least this ... (default 150/min)
 * @param tachycardiaSeconds ... sustained at least this long (default 30 s)
 * @param stElevationLimbAndV4to6Mv ST elevation at least this in limb leads and V4–V6 (default 0.1 mV)
 * @param stElevationV1to3Mv ST elevation over this in V1–V3 (default 0.3 mV)
 */
public record CriticalRules(double pauseSeconds, double bradycardiaBpm, double tachycardiaBpm, double tachycardiaSeconds,
        double stElevationLimbAndV4to6Mv, double stElevationV1to3Mv) {
    /** The defaults named above. */
    public static final CriticalRules DEFAULTS = new CriticalRules(3.0, 35, 150, 30, 0.1, 0.3);
}
