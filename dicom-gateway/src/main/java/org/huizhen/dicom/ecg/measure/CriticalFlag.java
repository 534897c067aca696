package org.huizhen.dicom.ecg.measure;

/**
 * One critical-pattern candidate found by {@link CriticalScreen}: a flag for the reader and the
 * critical-value workflow, never a diagnosis.
 *
 * @param rule the rule's id (e.g. "pause", "bradycardia", "tachycardia", "st-elevation")
 * @param description human-readable, e.g. "RR pause of 3.4 s (rule: ≥ 3.0 s)"
 * @param value the measured value
 * @param unit its unit ("s", "/min", "mV")
 * @param threshold the rule's threshold the value crossed
 * @param lead the lead it was seen in, or null when it is a rhythm-wide finding
 * @param startSeconds where in the rhythm recording it starts (s from the first sample)
 * @param endSeconds where it ends
 */
public record CriticalFlag(String rule, String description, double value, String unit, double threshold, String lead,
        double startSeconds, double endSeconds) {
}
