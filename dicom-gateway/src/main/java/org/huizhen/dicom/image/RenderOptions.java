package org.huizhen.dicom.image;

import java.util.Objects;
import java.util.Optional;

/**
 * How to render a frame: an explicit VOI window (else, unless {@code minMax}, the data set's
 * first window; else the frame's min/max) and a viewport to fit (else native size).
 *
 * <p>Immutable; thread-safe.
 *
 * @param window   window to apply to monochrome images instead of the data set's
 * @param viewport size to fit the output into
 * @param minMax   when no window is given, ignore the data set's windows and stretch the
 *                 frame's own min..max over the output range
 */
public record RenderOptions(Optional<Window> window, Optional<Viewport> viewport, boolean minMax) {

    /** Native size, the data set's own window. */
    public static final RenderOptions DEFAULT = new RenderOptions(Optional.empty(), Optional.empty(), false);

    public RenderOptions {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(viewport, "viewport");
    }

    public RenderOptions withWindow(Window w) {
        return new RenderOptions(Optional.of(w), viewport, minMax);
    }

    public RenderOptions withViewport(Viewport v) {
        return new RenderOptions(window, Optional.of(v), minMax);
    }

    /** A copy that uses the frame's min/max instead of the data set's windows. */
    public RenderOptions withMinMaxWindow() {
        return new RenderOptions(window, viewport, true);
    }
}
