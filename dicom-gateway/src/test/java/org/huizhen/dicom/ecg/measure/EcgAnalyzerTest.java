package org.huizhen.dicom.ecg.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcgAnalyzerTest {

    /**
     * Synthetic 12-lead ECGs with exact wave boundaries (see {@link SyntheticEcg}). Expected
     * biases, from the methods and the raised-cosine wave shapes: QRS offset is found up to ~12 ms
     * late (the 40 Hz smoothing spreads the S wave's steep return to baseline); the T wave ends
     * where its slope falls under a fifth of its steepest, which on a raised-cosine T is 6 % of
     * its descent before the true end, moved later again by the 20 Hz smoothing and, at 250 Hz
     * with 20 µV noise, by the noise (measured: 0..+2 ms, +8 ms at 250 Hz; the tangent method
     * before it ended 12–14 ms early). Axes are exact projections: within 3–5° (noise, and the T
     * area ends where the T end is found).
     */
    @ParameterizedTest(name = "{0} Hz, noise {1} µV, wander {2} µV, RR {3} s, PR {4}, QRS {5}, QT {6}")
    @CsvSource({
        "500, 0, 0, 0.8, 160, 90, 380",
        "250, 20, 300, 0.8, 160, 90, 380",
        "1000, 20, 300, 0.8, 160, 90, 380",
        "500, 15, 200, 1.2, 200, 100, 440",
        "500, 15, 200, 0.5, 140, 80, 300",
    })
    void measuresSyntheticIntervalsWithinAFewMilliseconds(double fs, double noise, double wander, double rr, double pr,
            double qrs, double qt) {
        SyntheticEcg s = new SyntheticEcg();
        s.fs = fs;
        s.noiseUv = noise;
        s.wanderUv = wander;
        s.rr = new double[] {rr};
        s.prMs = pr;
        s.qrsMs = qrs;
        s.qtMs = qt;
        s.tDurMs = Math.min(200, qt - qrs - 60);
        EcgMeasurements m = EcgAnalyzer.measure(s.build());
        assertThat(m.qrsSamples()).hasSize(s.onsets.size());
        assertThat(m.heartRateBpm()).isCloseTo(60 / rr, within(0.5));
        assertThat(m.meanRrMs()).isCloseTo(rr * 1000, within(4.0));
        assertThat(m.prMs()).isCloseTo(pr, within(10.0));
        assertThat(m.qrsMs()).isBetween(qrs - 4, qrs + 14);
        assertThat(m.qtMs()).isBetween(qt - 6, qt + 10);
        // the corrections follow from the measured QT and RR by definition
        assertThat(m.qtcBazettMs()).isCloseTo(m.qtMs() / Math.sqrt(m.meanRrMs() / 1000), within(1e-6));
        assertThat(m.qtcFridericiaMs()).isCloseTo(m.qtMs() / Math.cbrt(m.meanRrMs() / 1000), within(1e-6));
        assertThat(m.pAxisDeg()).isCloseTo(s.pAxisDeg, within(5.0));
        assertThat(m.qrsAxisDeg()).isCloseTo(s.qrsAxisDeg, within(4.0));
        assertThat(m.tAxisDeg()).isCloseTo(s.tAxisDeg, within(4.0));
        assertThat(m.fiducials().qrsOnsetMs()).isEqualTo(0.0);
        assertThat(m.fiducials().pOnsetMs()).isEqualTo(-m.prMs());
        // P offset: the 20 Hz smoothing of the P detection function moves it up to ~15 ms late
        double pOffset = -(pr - s.pDurMs);
        assertThat(m.fiducials().pOffsetMs()).isBetween(pOffset - 5, pOffset + 16);
    }

    @ParameterizedTest
    @CsvSource({"-30", "90", "150", "-120"})
    void frontalQrsAxisFollowsTheVector(double axis) {
        SyntheticEcg s = new SyntheticEcg();
        s.qrsAxisDeg = axis;
        s.noiseUv = 10;
        // the net QRS area projects the R and (smaller, opposite) S: the frontal mean vector is the R vector
        assertThat(EcgAnalyzer.measure(s.build()).qrsAxisDeg()).isCloseTo(axis, within(4.0));
    }

    /** Without atrial activity (e.g. atrial fibrillation) there is no PR interval and no P axis, but the rest is measured. */
    @Test
    void noPWaveGivesNullPrAndPAxis() {
        SyntheticEcg s = new SyntheticEcg();
        s.pMv = 0;
        for (int i = 0; i < SyntheticEcg.V_P.length; i++) {
            s.vP[i] = 0;
        }
        s.noiseUv = 10;
        EcgMeasurements m = EcgAnalyzer.measure(s.build());
        assertThat(m.prMs()).isNull();
        assertThat(m.pAxisDeg()).isNull();
        assertThat(m.fiducials().pOnsetMs()).isNull();
        assertThat(m.qrsMs()).isNotNull();
        assertThat(m.qtMs()).isNotNull();
    }

    /**
     * Premature wide beats (PVC-like: 160 ms, opposite polarity, every 4th beat 300 ms early) are
     * detected but left out of the median: the QRS duration stays the normal beats' 90 ms.
     */
    @Test
    void pvcsDoNotDistortTheMedianBeat() {
        SyntheticEcg s = new SyntheticEcg();
        s.noiseUv = 10;
        s.seconds = 12;
        s.pvcEvery = 4;
        EcgMeasurements m = EcgAnalyzer.measure(s.build());
        assertThat(m.qrsSamples()).hasSize(s.onsets.size());
        assertThat(m.qrsMs()).isBetween(86.0, 104.0);
    }

    static Ecg ecg(double fs, Lead... leads) {
        return new Ecg(EcgFormat.SCP_ECG, null, null, null, new EcgWaveform(fs, List.of(leads)), Optional.empty(),
                DeviceMeasurements.NONE, List.of(), null);
    }

    /** Flat, very short, single-sample and single-lead recordings: values become null, nothing throws. */
    @Test
    void neverThrowsForFlatShortOrOddSignals() {
        assertThat(EcgAnalyzer.measure(ecg(500, Lead.of(LeadName.I, new float[5000]), Lead.of(LeadName.II, new float[5000]))))
                .isEqualTo(EcgAnalyzer.EMPTY);
        assertThat(EcgAnalyzer.measure(ecg(500, Lead.of(LeadName.II, new float[1]))).heartRateBpm()).isNull();
        assertThat(EcgAnalyzer.measure(ecg(500, Lead.of(LeadName.II, new float[0]))).heartRateBpm()).isNull();
        float[] ramp = new float[300];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i * 50;
        }
        assertThat(EcgAnalyzer.measure(ecg(500, Lead.of(LeadName.V1, ramp))).qrsMs()).isNull();
        // one lead of a real-looking ECG: rate and intervals, but no axes without I and aVF
        Ecg full = new SyntheticEcg().build();
        Lead ii = full.rhythm().lead(LeadName.II).orElseThrow();
        EcgMeasurements m = EcgAnalyzer.measure(ecg(500, ii));
        assertThat(m.heartRateBpm()).isCloseTo(75, within(0.5));
        assertThat(m.qrsAxisDeg()).isNull();
        // a single beat: detected, but no rate
        SyntheticEcg one = new SyntheticEcg();
        one.seconds = 1.2;
        assertThat(EcgAnalyzer.measure(one.build()).heartRateBpm()).isNull();
    }

    /**
     * Odd inputs a broken cart or a bad conversion produce — pure noise, a square wave, a lone
     * spike, saturation, 3 s at 200 Hz, 2 s at 1000 Hz — are measured without an exception, and
     * the critical screen runs on them too.
     */
    @ParameterizedTest
    @CsvSource({"noise, 500, 10", "square, 500, 10", "spike, 500, 10", "saturated, 250, 10", "noise, 200, 3",
        "square, 1000, 2"})
    void oddSignalsNeverThrow(String kind, double fs, double seconds) {
        int n = (int) (fs * seconds);
        java.util.Random r = new java.util.Random(1);
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (kind) {
                case "noise" -> (float) (300 * r.nextGaussian());
                case "square" -> (i / (int) (fs / 2)) % 2 == 0 ? 500f : -500f;
                case "spike" -> i == n / 2 ? 5000f : 0f;
                default -> (float) Math.max(-2000, Math.min(2000, 5000 * Math.sin(i / fs * 7)));
            };
            b[i] = a[i] * 0.5f + (float) r.nextGaussian();
        }
        Ecg e = ecg(fs, Lead.of(LeadName.I, a), Lead.of(LeadName.II, b), Lead.of(LeadName.V1, a.clone()));
        EcgMeasurements m = EcgAnalyzer.measure(e);
        assertThat(m).isNotNull();
        assertThat(CriticalScreen.screen(e, m, CriticalRules.DEFAULTS)).isNotNull();
    }

    /**
     * The shared Mortara ELI 250 12-lead (DICOM) carries the device's own global measurements in
     * its waveform annotations: RR 982 ms, PR 161, QRS 75, QT 368 ms, axes P 74°, QRS 52°, T 57°
     * (dcmdump of ecg/waveform_ecg.dcm). Two independent programs on the same signal: the
     * differences are printed for the report; the bounds are the targets widened by 5 ms.
     */
    @Test
    void agreesWithTheDevicesMeasurementsOnTheSharedDicomEcg() throws Exception {
        Ecg ecg = org.huizhen.dicom.ecg.EcgReaders.read(org.huizhen.dicom.ecg.EcgTestFiles.ecg("waveform_ecg.dcm"));
        EcgMeasurements m = EcgAnalyzer.measure(ecg);
        double deviceRate = 60_000 / 982.0;
        System.out.printf("waveform_ecg.dcm hub - device: rate %+.1f/min, PR %+.0f ms, QRS %+.0f ms, QT %+.0f ms, "
                + "axes P %+.0f°, QRS %+.0f°, T %+.0f°%n", m.heartRateBpm() - deviceRate, m.prMs() - 161, m.qrsMs() - 75,
                m.qtMs() - 368, m.pAxisDeg() - 74, m.qrsAxisDeg() - 52, m.tAxisDeg() - 57);
        assertThat(m.heartRateBpm()).isCloseTo(deviceRate, within(2.0));
        assertThat(m.prMs()).isCloseTo(161, within(15.0));
        assertThat(m.qrsMs()).isCloseTo(75, within(15.0));
        assertThat(m.qtMs()).isCloseTo(368, within(15.0));
        assertThat(m.pAxisDeg()).isCloseTo(74, within(15.0));
        assertThat(m.qrsAxisDeg()).isCloseTo(52, within(15.0));
        assertThat(m.tAxisDeg()).isCloseTo(57, within(15.0));
        // the device's own fiducials on its median beat: P offset 413, QRS onset 460 (ms) -> -47 ms
        System.out.printf("waveform_ecg.dcm P offset: hub %.0f ms, device -47 ms (from QRS onset)%n", m.fiducials().pOffsetMs());
        assertThat(m.fiducials().pOffsetMs()).isCloseTo(-47, within(20.0));
    }
}
