package org.huizhen.dicom.ecg.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.Lead;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QrsDetectorTest {

    private static float[][] leads(Ecg e) {
        List<Lead> l = e.rhythm().leads();
        float[][] x = new float[l.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = l.get(i).microvolts();
        }
        return x;
    }

    /**
     * Every synthetic beat is found once, within 60 ms of its QRS onset (the fiducial lies at the
     * R or S peak inside the 90 ms QRS), at every rate the hub accepts from carts.
     */
    @ParameterizedTest
    @ValueSource(doubles = {200, 250, 360, 500, 1000})
    void findsEveryBeatAtAnySampleRate(double fs) {
        SyntheticEcg s = new SyntheticEcg();
        s.fs = fs;
        s.noiseUv = 20;
        s.wanderUv = 300;
        s.rr = new double[] {0.8, 0.7, 0.9, 0.75};
        int[] d = QrsDetector.detect(leads(s.build()), fs);
        assertThat(d).hasSize(s.onsets.size());
        for (int i = 0; i < d.length; i++) {
            assertThat((d[i] - s.onsets.get(i)) / fs).isBetween(0.0, 0.060);
        }
    }

    /**
     * One of two leads drowned for 20 s in 1.5 mV noise: every beat is still found, and at most
     * 2 false ones are added (at the burst's edges, where the noisy lead's reliability, judged
     * over ±20 s, has not yet fallen) — out of the ~25 beats the burst covers.
     */
    @Test
    void oneNoisyLeadDoesNotAddBeats() {
        SyntheticEcg s = new SyntheticEcg();
        s.seconds = 60;
        s.noiseUv = 10;
        float[][] x = leads(s.build());
        Random r = new Random(7);
        float[] v1 = x[2];
        // bursts of 1.5 mV, 10 Hz-ish noise over 20 s of V1
        for (int i = 10_000; i < 20_000; i++) {
            v1[i] += (float) (1500 * Math.sin(2 * Math.PI * 9 * i / 500.0 + r.nextGaussian()));
        }
        int[] d = QrsDetector.detect(new float[][] {x[1], v1}, 500);
        int found = 0;
        for (int on : s.onsets) {
            for (int t : d) {
                if (t >= on && t - on <= 30) {
                    found++;
                    break;
                }
            }
        }
        assertThat(found).isEqualTo(s.onsets.size());
        assertThat(d.length - found).isBetween(0, 2);
    }

    @Test
    void flatOrShortSignalsGiveNoBeats() {
        assertThat(QrsDetector.detect(new float[][] {new float[5000]}, 500)).isEmpty();
        assertThat(QrsDetector.detect(new float[][] {new float[100]}, 500)).isEmpty();
        assertThat(QrsDetector.detect(new float[0][], 500)).isEmpty();
        assertThat(QrsDetector.detect(new float[][] {new float[5000]}, 0)).isEmpty();
    }
}
