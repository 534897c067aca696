package org.huizhen.dicom.image;

import java.util.Objects;
import java.util.Optional;

/**
 * How to render a frame: an explicit VOI window (else the data set's first window, else the
 * frame's min/max) and a viewport to fit (else native size).
 *
 * <p>Immutable; thread-safe.
 *
 * @param window   window to apply to monochrome images instead of the data set's
 * @param viewport size to fit the output into
 */
public record RenderOptions(Optional<Window> window, Optional<Viewport> viewport) {

    /** Native size, the data set's own window. */
    public static final RenderOptions DEFAULT = new RenderOptions(Optional.empty(), Optional.empty());

    public RenderOptions {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(viewport, "viewport");
    }

    public RenderOptions withWindow(Window w) {
        return new RenderOptions(Optional.of(w), viewport);
    }

    public RenderOptions withViewport(Viewport v) {
        return new RenderOptions(window, Optional.of(v));
    }
}
