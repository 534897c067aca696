package org.huizhen.dicom.image;

import java.util.Locale;
import java.util.Optional;

/**
 * The VOI LUT Function (0028,1056) of a window (PS3.3 C.11.2.1.3): how Window Center and
 * Window Width map modality values to display values.
 *
 * <p>Immutable.
 */
public enum VoiFunction {
    /** PS3.3 C.11.2.1.2.1, the default when (0028,1056) is absent. */
    LINEAR,
    /** PS3.3 C.11.2.1.3.2. */
    LINEAR_EXACT,
    /** PS3.3 C.11.2.1.3.1. */
    SIGMOID;

    /**
     * The function named by a (0028,1056) value ({@code LINEAR}, {@code LINEAR_EXACT},
     * {@code SIGMOID}) or by the PS3.18 {@code window} parameter ({@code linear},
     * {@code linear-exact}, {@code sigmoid}); case-insensitive.
     */
    public static Optional<VoiFunction> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.strip().toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "LINEAR" -> Optional.of(LINEAR);
            case "LINEAR_EXACT" -> Optional.of(LINEAR_EXACT);
            case "SIGMOID" -> Optional.of(SIGMOID);
            default -> Optional.empty();
        };
    }
}
