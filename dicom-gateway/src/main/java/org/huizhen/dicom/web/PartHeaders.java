package org.huizhen.dicom.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The header fields of one body part of a multipart message (RFC 2046 5.1.1, RFC 2387), in
 * order. Names compare case-insensitively. The fields DICOMweb uses (PS3.18 8.6.1.2) have
 * their own accessors: Content-Type, Content-Location, Content-ID.
 *
 * <p>Immutable; thread-safe.
 *
 * @param fields the header fields in the order they appeared
 */
public record PartHeaders(List<Field> fields) {

    /** One header field; the name as written, the value with surrounding white space removed. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !name.chars().allMatch(MediaType::isTokenChar)) {
                throw new IllegalArgumentException("HZ-5220 invalid header field name \"" + name + "\"");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("HZ-5221 header field value contains CR or LF: " + name);
            }
        }
    }

    /** No header fields (the part's type then defaults to the multipart's "type" parameter, RFC 2387 3.1). */
    public static final PartHeaders EMPTY = new PartHeaders(List.of());

    public PartHeaders {
        fields = List.copyOf(fields);
    }

    /** Header fields from name, value pairs, e.g. {@code of("Content-Type", "application/dicom")}. */
    public static PartHeaders of(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("HZ-5222 names and values must come in pairs");
        }
        List<Field> f = new ArrayList<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            f.add(new Field(nameValuePairs[i], nameValuePairs[i + 1]));
        }
        return new PartHeaders(f);
    }

    /** The first value of the named field. */
    public Optional<String> get(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** Every value of the named field. */
    public List<String> getAll(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    /**
     * The part's Content-Type.
     *
     * @throws DicomWebException (400, HZ-5301) if it is present but malformed
     */
    public Optional<MediaType> contentType() {
        return get("Content-Type").map(MediaType::parse);
    }

    /** Content-Location: for STOW-RS bulk data, the URI a BulkDataURI names (PS3.18 10.5.1.2). */
    public Optional<String> contentLocation() {
        return get("Content-Location");
    }

    /** Content-ID (RFC 2392), angle brackets kept as written. */
    public Optional<String> contentId() {
        return get("Content-ID");
    }

    /** The header block as written on the wire: each field then CRLF (no final empty line). */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return fields.stream().map(f -> f.name().toLowerCase(Locale.ROOT) + "=" + f.value()).toList().toString();
    }
}
