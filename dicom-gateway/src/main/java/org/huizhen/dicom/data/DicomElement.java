package org.huizhen.dicom.data;

import java.util.Objects;

/**
 * One data element: tag, VR and value (PS3.5 7.1).
 *
 * <p>Immutable; thread-safe.
 *
 * @param tag   {@code (group << 16) | element}
 * @param vr    the value representation
 * @param value the value (see {@link Value} for byte order and text encoding)
 */
public record DicomElement(int tag, VR vr, Value value) {

    public DicomElement {
        Objects.requireNonNull(vr, "vr");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return Tag.toString(tag) + " " + vr + " " + value;
    }
}
