package org.huizhen.dicom.ecg.wfdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.junit.jupiter.api.Test;

class Ec57EvaluationTest {

    /**
     * The targets as the floor for the detector on the 12 shared MIT-BIH records: gross Se
     * and +P ≥ 99.5 %, every record ≥ 97 % in both. The detector is deterministic, so the margin
     * only has to absorb small side effects of other changes; a real regression (a few dozen beats)
     * fails. The table goes to the test output for the record. Measured when set: gross Se
     * 99.65 %, +P 99.57 % (margins of 32 and 15 beats); lowest Se record 201 98.22 % (small
     * aberrated beats in atrial fibrillation, found by the irregular-rhythm search-back), lowest
     * +P record 105 97.94 % (noise).
     */
    @Test
    void detectorStaysAboveTheFloorOnTheSharedMitBihRecords() throws Exception {
        long t0 = System.nanoTime();
        Ec57Report report = Ec57Evaluation.evaluate(EcgTestFiles.mitdb(), null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(report.toTable() + "(" + ms + " ms)");
        assertThat(report.records()).hasSize(12);
        // the scored beats are the database's test-period beat counts (MANIFEST.md: 21,005 in all)
        assertThat(report.gross().referenceBeats()).isEqualTo(21_005);
        assertThat(report.gross().sensitivity()).isGreaterThanOrEqualTo(99.5);
        assertThat(report.gross().positivePredictivity()).isGreaterThanOrEqualTo(99.5);
        assertThat(report.records()).allSatisfy(r -> {
            assertThat(r.sensitivity()).as(r.record() + " Se").isGreaterThanOrEqualTo(97.0);
            assertThat(r.positivePredictivity()).as(r.record() + " +P").isGreaterThanOrEqualTo(97.0);
        });
    }

    private static WfdbAnnotation beat(long s) {
        return new WfdbAnnotation(s, 1, 0, 0, 0, "");
    }

    /** 150 ms at 360 Hz is 54 samples: 54 off still matches, 55 off is one FN and one FP. */
    @Test
    void matchesWithinTheWindowOnly() {
        long base = 300 * 360;
        var r = Ec57Evaluation.score("t", List.of(beat(base + 100), beat(base + 1000)),
                new int[] {(int) base + 154, (int) base + 1055}, 360);
        assertThat(r).isEqualTo(new Ec57Report.RecordResult("t", 2, 1, 1, 1));
    }

    /** The learning period: a beat and a detection before 300 s are not scored at all. */
    @Test
    void ignoresTheFirstFiveMinutes() {
        var r = Ec57Evaluation.score("t", List.of(beat(1000), beat(300 * 360 + 10)), new int[] {5000, 300 * 360 + 12}, 360);
        assertThat(r).isEqualTo(new Ec57Report.RecordResult("t", 1, 1, 0, 0));
    }

    /** Beats and detections inside a "(VFL" rhythm episode (until the next rhythm change) are not scored. */
    @Test
    void skipsVentricularFlutterEpisodes() {
        long b = 400 * 360;
        var ann = List.of(beat(b), new WfdbAnnotation(b + 100, WfdbAnnotation.RHYTHM, 0, 0, 0, "(VFL"), beat(b + 300),
                new WfdbAnnotation(b + 1000, WfdbAnnotation.RHYTHM, 0, 0, 0, "(N"), beat(b + 1200));
        var r = Ec57Evaluation.score("t", ann, new int[] {(int) b, (int) b + 500, (int) b + 700, (int) b + 1201}, 360);
        assertThat(r).isEqualTo(new Ec57Report.RecordResult("t", 2, 2, 0, 0));
    }

    @Test
    void tableHasAGrossLineWithTwoDecimals() {
        var rep = new Ec57Report(List.of(new Ec57Report.RecordResult("100", 3, 2, 1, 0),
                new Ec57Report.RecordResult("101", 1, 1, 0, 1)));
        String t = rep.toTable();
        // gross: TP 3, FN 1, FP 1 -> Se 75.00, +P 75.00
        assertThat(t).contains("gross").contains("75.00").contains("66.67").contains("100.00");
        assertThat(t.lines().count()).isEqualTo(5);
    }
}
