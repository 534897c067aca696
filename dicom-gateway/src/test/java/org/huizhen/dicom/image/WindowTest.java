package org.huizhen.dicom.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The VOI window functions of PS3.3 C.11.2.1.2 and C.11.2.1.3, and the PS3.18 window parameter. */
class WindowTest {

    @ParameterizedTest(name = "c={0} w={1} x={2} -> {3}")
    @CsvSource({
            // LINEAR, PS3.3 C.11.2.1.2.1, output 0..255:
            // x <= c - 0.5 - (w-1)/2 -> 0; x > c - 0.5 + (w-1)/2 -> 255
            "40, 400, -160.5, 0",
            "40, 400, -500, 0",
            "40, 400, 239.6, 255",
            "40, 400, 3000, 255",
            // inside: ((x - (c - 0.5)) / (w - 1) + 0.5) * 255; at x = c - 0.5 exactly half way
            "40, 400, 39.5, 127.5",
            // x = 40 + 199 = 239: ((199.5 / 399) + 0.5) * 255 = 255 * 1.0 = 255
            "40, 400, 239, 255",
            // x = -160: ((-200 + 0.5) / 399 + 0.5) * 255 = (0.5 - 0.5) * 255 ... = 0
            "40, 400, -160, 0",
            // c = 0.5, w = 2: ramp -0.5 < x <= 0.5, x = 0.5 gives ((0.5 - 0) / 1 + 0.5) * 255 = 255
            "0.5, 2, 0.5, 255",
    })
    void linearFollowsTheStandardFormula(double c, double w, double x, double expected) {
        assertThat(Window.linear(c, w).apply(x, 0, 255)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void linearIsMonotonicAndSpansTheWholeOutput() {
        Window w = Window.linear(1000, 2000);
        double previous = -1;
        for (int x = -100; x <= 2100; x++) {
            double y = w.apply(x, 0, 255);
            assertThat(y).isBetween(0.0, 255.0).isGreaterThanOrEqualTo(previous);
            previous = y;
        }
        assertThat(w.apply(-100, 0, 255)).isZero();
        assertThat(w.apply(2100, 0, 255)).isEqualTo(255);
    }

    @Test
    void widthOneIsAThreshold() {
        // w = 1: x <= c - 0.5 -> ymin, else ymax (the ramp has no width)
        Window w = Window.linear(100, 1);
        assertThat(w.apply(99.5, 0, 255)).isZero();
        assertThat(w.apply(99.6, 0, 255)).isEqualTo(255);
    }

    @Test
    void linearExactMapsTheWindowEdgesToTheOutputEnds() {
        // C.11.2.1.3.2: x <= c - w/2 -> ymin, x > c + w/2 -> ymax, ((x - c)/w + 0.5) * range between
        Window w = new Window(50, 100, VoiFunction.LINEAR_EXACT);
        assertThat(w.apply(0, 0, 255)).isZero();
        assertThat(w.apply(50, 0, 255)).isEqualTo(127.5);
        assertThat(w.apply(100, 0, 255)).isEqualTo(255);
        assertThat(w.apply(25, 0, 255)).isEqualTo(0.25 * 255);
    }

    @Test
    void sigmoidIsHalfWayAtTheCenterAndApproachesTheEnds() {
        // C.11.2.1.3.1: y = range / (1 + exp(-4 (x - c) / w)) + ymin
        Window w = new Window(0, 100, VoiFunction.SIGMOID);
        assertThat(w.apply(0, 0, 255)).isCloseTo(127.5, within(1e-9));
        assertThat(w.apply(50, 0, 255)).isCloseTo(255 / (1 + Math.exp(-2)), within(1e-9));
        assertThat(w.apply(-1000, 0, 255)).isLessThan(0.001);
        assertThat(w.apply(1000, 0, 255)).isGreaterThan(254.999);
    }

    @ParameterizedTest
    @CsvSource({
            "'40,400', 40, 400, LINEAR",
            "'40,400,linear', 40, 400, LINEAR",
            "'-600.5, 1500 ,LINEAR-EXACT', -600.5, 1500, LINEAR_EXACT",
            "'0,1,sigmoid', 0, 1, SIGMOID",
    })
    void parsesTheRenderedWindowParameter(String text, double c, double w, VoiFunction f) {
        assertThat(Window.parse(text)).isEqualTo(new Window(c, w, f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "40", "40,400,cubic", "a,b", "40,0", "40,0.5,linear", "40,-3,sigmoid", "1,2,3,4"})
    void rejectsBadWindowParameters(String text) {
        assertThatThrownBy(() -> Window.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("HZ-5510");
    }

    @Test
    void invalidHeaderWindowsAreDroppedNotThrown() {
        assertThat(Window.ofValues(40, 0, VoiFunction.LINEAR)).isEmpty();
        assertThat(Window.ofValues(40, 0.5, VoiFunction.LINEAR_EXACT)).isPresent();
    }

    @Test
    void viewportKeepsTheAspectRatio() {
        // 512 x 256 into 128 x 128: limited by the width, scale 1/4 -> 128 x 64
        assertThat(new Viewport(128, 128).fit(512, 256)).containsExactly(128, 64);
        // 240 x 320 (portrait) into 128 x 128: scale 0.4 -> 96 x 128
        assertThat(new Viewport(128, 128).fit(240, 320)).containsExactly(96, 128);
        // upscaling keeps the ratio too: 64 x 64 into 256 x 100 -> 100 x 100
        assertThat(new Viewport(256, 100).fit(64, 64)).containsExactly(100, 100);
        assertThat(Viewport.parse("300, 200")).isEqualTo(new Viewport(300, 200));
        assertThatThrownBy(() -> Viewport.parse("0,10")).hasMessageStartingWith("HZ-5511");
        assertThatThrownBy(() -> Viewport.parse("10,10,0,0,5,5")).hasMessageStartingWith("HZ-5511");
        assertThatThrownBy(() -> Viewport.parse("99999,10")).hasMessageStartingWith("HZ-5511");
    }
}
