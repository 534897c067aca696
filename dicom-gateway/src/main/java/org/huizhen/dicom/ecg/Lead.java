package org.huizhen.dicom.ecg;

import java.util.Objects;

/**
 * One lead's samples.
 *
 * @param name the standard lead, or {@link LeadName#OTHER}
 * @param label the lead's label as the file gave it (for OTHER leads the only name)
 * @param microvolts samples in µV, one per sample period; the array is owned by this record
 *     and must not be changed after construction
 * @param derived true when the hub computed this lead from others (e.g. III = II − I), false
 *     when the file carried it
 */
public record Lead(LeadName name, String label, float[] microvolts, boolean derived) {
    public Lead {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(microvolts, "microvolts");
        label = label == null || label.isBlank() ? name.label() : label;
    }

    /** A recorded (not derived) standard lead. */
    public static Lead of(LeadName name, float[] microvolts) {
        return new Lead(name, name.label(), microvolts, false);
    }

    /** Number of samples. */
    public int length() {
        return microvolts.length;
    }

    @Override
    public String toString() {
        return "Lead[" + label + ", " + microvolts.length + " samples" + (derived ? ", derived" : "") + "]";
    }
}
