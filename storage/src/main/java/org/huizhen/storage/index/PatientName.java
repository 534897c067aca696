package org.huizhen.storage.index;

import java.util.Objects;

/**
 * A patient name as decoded Unicode text, with the PN component groups kept when the sender
 * gave them (PS3.5 6.2.1.2: alphabetic, ideographic, phonetic groups separated by {@code =}),
 * e.g. text {@code "Wang^XiaoDong=王^小东="}, alphabetic {@code "Wang^XiaoDong"}, ideographic
 * {@code "王^小东"}.
 *
 * @param text        the whole decoded value; required (may be empty)
 * @param alphabetic  first group, or null
 * @param ideographic second group, or null
 * @param phonetic    third group, or null
 */
public record PatientName(String text, String alphabetic, String ideographic, String phonetic) {

    public PatientName {
        Objects.requireNonNull(text, "text");
    }

    /** A name given as a single value without groups. */
    public static PatientName of(String text) {
        return new PatientName(text, null, null, null);
    }
}
