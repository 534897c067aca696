package org.huizhen.dicom.image;

import java.util.Objects;
import java.util.Optional;

/**
 * A VOI window: Window Center (0028,1050), Window Width (0028,1051) and the VOI LUT Function
 * (0028,1056), applied to modality values (PS3.3 C.11.2.1.2 and C.11.2.1.3).
 *
 * <p>Immutable; thread-safe.
 *
 * @param center   window center, in modality units
 * @param width    window width, in modality units; at least 1 for {@link VoiFunction#LINEAR},
 *                 above 0 otherwise (PS3.3 C.11.2.1.2.1, C.11.2.1.3)
 * @param function the VOI LUT function
 */
public record Window(double center, double width, VoiFunction function) {

    public Window {
        Objects.requireNonNull(function, "function");
        if (!Double.isFinite(center) || !Double.isFinite(width)) {
            throw new IllegalArgumentException("HZ-5510 window center and width must be finite numbers");
        }
        if (function == VoiFunction.LINEAR ? width < 1 : width <= 0) {
            throw new IllegalArgumentException("HZ-5510 window width " + width + " is not allowed for " + function
                    + " (PS3.3 C.11.2.1.2: at least 1 for LINEAR, above 0 otherwise)");
        }
    }

    /** A LINEAR window. */
    public static Window linear(double center, double width) {
        return new Window(center, width, VoiFunction.LINEAR);
    }

    /**
     * Parses the PS3.18 8.3.5.1.4 {@code window} parameter: {@code center,width,function} with
     * function {@code linear}, {@code linear-exact} or {@code sigmoid} (the function may be left
     * out, then LINEAR).
     *
     * @throws IllegalArgumentException with an HZ-5510 message when it does not parse
     */
    public static Window parse(String parameter) {
        String[] parts = Objects.requireNonNull(parameter, "parameter").split(",", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("HZ-5510 window must be center,width,function, got \"" + parameter + "\"");
        }
        double c;
        double w;
        try {
            c = Double.parseDouble(parts[0].strip());
            w = Double.parseDouble(parts[1].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("HZ-5510 window center and width must be numbers, got \"" + parameter + "\"");
        }
        VoiFunction f = parts.length == 3
                ? VoiFunction.parse(parts[2]).orElseThrow(() -> new IllegalArgumentException(
                        "HZ-5510 window function must be linear, linear-exact or sigmoid, got \"" + parts[2] + "\""))
                : VoiFunction.LINEAR;
        return new Window(c, w, f);
    }

    /** The window of these values if they make a valid one, empty otherwise (a bad header value is ignored). */
    public static Optional<Window> ofValues(double center, double width, VoiFunction function) {
        try {
            return Optional.of(new Window(center, width, function));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Maps modality value {@code x} into [{@code yMin}, {@code yMax}].
     *
     * <ul>
     *   <li>LINEAR (C.11.2.1.2.1): below {@code c - 0.5 - (w-1)/2} gives yMin, above
     *       {@code c - 0.5 + (w-1)/2} gives yMax, between them
     *       {@code ((x - (c - 0.5)) / (w-1) + 0.5) * (yMax - yMin) + yMin};</li>
     *   <li>LINEAR_EXACT (C.11.2.1.3.2): {@code c - w/2} and {@code c + w/2} bound the ramp
     *       {@code ((x - c) / w + 0.5) * (yMax - yMin) + yMin};</li>
     *   <li>SIGMOID (C.11.2.1.3.1): {@code (yMax - yMin) / (1 + exp(-4 (x - c) / w)) + yMin}.</li>
     * </ul>
     */
    public double apply(double x, double yMin, double yMax) {
        double range = yMax - yMin;
        return switch (function) {
            case LINEAR -> {
                double low = center - 0.5 - (width - 1) / 2;
                double high = center - 0.5 + (width - 1) / 2;
                if (x <= low) {
                    yield yMin;
                } else if (x > high) {
                    yield yMax;
                } else if (width == 1) {
                    // w = 1 is a threshold: the ramp has no width (the formula would divide by zero)
                    yield yMax;
                }
                yield ((x - (center - 0.5)) / (width - 1) + 0.5) * range + yMin;
            }
            case LINEAR_EXACT -> {
                if (x <= center - width / 2) {
                    yield yMin;
                } else if (x > center + width / 2) {
                    yield yMax;
                }
                yield ((x - center) / width + 0.5) * range + yMin;
            }
            case SIGMOID -> range / (1 + Math.exp(-4 * (x - center) / width)) + yMin;
        };
    }
}
