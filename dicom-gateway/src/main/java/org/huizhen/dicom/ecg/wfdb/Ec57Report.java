package org.huizhen.dicom.ecg.wfdb;

import java.util.List;
import java.util.Locale;

/**
 * The result of an EC57 beat-by-beat QRS detection evaluation over several records: one line
 * per record and a gross line summing TP, FN and FP over all of them (ANSI/AAMI EC57 §4.2.1:
 * gross statistics weight every beat equally).
 *
 * <p>Immutable.
 *
 * @param records the per-record lines, in evaluation order
 */
public record Ec57Report(List<RecordResult> records) {
    public Ec57Report {
        records = List.copyOf(records);
    }

    /**
     * One record's tallies over its scored period.
     *
     * @param record the record name
     * @param referenceBeats scored reference beats (TP + FN)
     * @param tp reference beats matched by a detection within the match window
     * @param fn reference beats without a matching detection
     * @param fp detections without a matching reference beat (outside VF episodes)
     */
    public record RecordResult(String record, int referenceBeats, int tp, int fn, int fp) {
        /** Sensitivity TP / (TP + FN), in %; 100 when there is nothing to detect. */
        public double sensitivity() {
            return tp + fn == 0 ? 100 : 100.0 * tp / (tp + fn);
        }

        /** Positive predictivity TP / (TP + FP), in %; 100 when nothing was detected. */
        public double positivePredictivity() {
            return tp + fp == 0 ? 100 : 100.0 * tp / (tp + fp);
        }
    }

    /** The sum over all records (named "gross"). */
    public RecordResult gross() {
        int beats = 0;
        int tp = 0;
        int fn = 0;
        int fp = 0;
        for (RecordResult r : records) {
            beats += r.referenceBeats();
            tp += r.tp();
            fn += r.fn();
            fp += r.fp();
        }
        return new RecordResult("gross", beats, tp, fn, fp);
    }

    /** The table as fixed-width text: record, beats, TP, FN, FP, Se %, +P % (two decimals), then the gross line. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %7s %7s %6s %6s %8s %8s%n", "record", "beats", "TP", "FN", "FP", "Se %",
                "+P %"));
        for (RecordResult r : records) {
            line(sb, r);
        }
        sb.append("-".repeat(56)).append('\n');
        line(sb, gross());
        return sb.toString();
    }

    private static void line(StringBuilder sb, RecordResult r) {
        sb.append(String.format(Locale.ROOT, "%-8s %7d %7d %6d %6d %8.2f %8.2f%n", r.record(), r.referenceBeats(), r.tp(),
                r.fn(), r.fp(), r.sensitivity(), r.positivePredictivity()));
    }
}
