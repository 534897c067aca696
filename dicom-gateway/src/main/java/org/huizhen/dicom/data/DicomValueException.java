package org.huizhen.dicom.data;

/**
 * A value that does not parse as its VR, met on typed access (e.g. IS "1A" read as an int).
 * The message starts with a code {@code HZ-19xx} and names the tag and the offending value.
 *
 * <p>Thrown on access, never while reading, so that one bad attribute does not make a whole
 * instance unreadable.
 */
public final class DicomValueException extends RuntimeException {

    private final int tag;

    public DicomValueException(String code, int tag, String message) {
        super(code + " " + Tag.toString(tag) + " " + ElementDictionary.keywordOf(tag).orElse("") + ": " + message);
        this.tag = tag;
    }

    /** The tag of the offending element. */
    public int tag() {
        return tag;
    }
}
