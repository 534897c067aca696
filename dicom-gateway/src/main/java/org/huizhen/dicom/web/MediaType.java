package org.huizhen.dicom.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A media type or media range with parameters, as in Content-Type and Accept (RFC 7231
 * 3.1.1.1, 5.3.2): {@code type "/" subtype *( OWS ";" OWS name "=" ( token / quoted-string ) )}.
 * Type, subtype and parameter names are case-insensitive and kept in lower case; parameter values
 * keep their case, quotes removed and quoted-pairs unescaped.
 *
 * <p>The DICOMweb media types of PS3.18 8.7.3 are constants here, e.g.
 * {@code multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param type       e.g. "multipart", or "*"
 * @param subtype    e.g. "related", or "*"
 * @param parameters parameter names (lower case) to values, in order of appearance
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {

    /** application/dicom (PS3.18 8.7.3.5). */
    public static final MediaType APPLICATION_DICOM = new MediaType("application", "dicom", Map.of());
    /** application/dicom+json (PS3.18 8.7.3.2). */
    public static final MediaType APPLICATION_DICOM_JSON = new MediaType("application", "dicom+json", Map.of());
    /** application/dicom+xml (PS3.18 8.7.3.2). */
    public static final MediaType APPLICATION_DICOM_XML = new MediaType("application", "dicom+xml", Map.of());
    /** application/json, which QIDO-RS also answers with the DICOM JSON model. */
    public static final MediaType APPLICATION_JSON = new MediaType("application", "json", Map.of());
    /** application/octet-stream: uncompressed bulk data and frames (PS3.18 8.7.3.3). */
    public static final MediaType APPLICATION_OCTET_STREAM = new MediaType("application", "octet-stream", Map.of());
    /** multipart/related without parameters. */
    public static final MediaType MULTIPART_RELATED = new MediaType("multipart", "related", Map.of());

    public MediaType {
        type = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
        subtype = Objects.requireNonNull(subtype, "subtype").toLowerCase(Locale.ROOT);
        Map<String, String> p = new LinkedHashMap<>();
        parameters.forEach((k, v) -> p.put(k.toLowerCase(Locale.ROOT), Objects.requireNonNull(v, "value")));
        parameters = java.util.Collections.unmodifiableMap(p);
    }

    /** {@code multipart/related; type="<part type>"} plus the given parameters (name, value pairs). */
    public static MediaType multipartRelated(String partType, String... moreParameters) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", partType);
        for (int i = 0; i + 1 < moreParameters.length; i += 2) {
            p.put(moreParameters[i], moreParameters[i + 1]);
        }
        return new MediaType("multipart", "related", p);
    }

    /**
     * Parses one media type.
     *
     * @throws DicomWebException (400, HZ-5301) if the text is not a media type
     */
    public static MediaType parse(String text) {
        Objects.requireNonNull(text, "text");
        Cursor c = new Cursor(text);
        MediaType m = c.mediaType();
        c.skipSpace();
        if (!c.atEnd()) {
            throw c.error("unexpected \"" + text.substring(c.pos) + "\"");
        }
        return m;
    }

    /**
     * Parses a comma-separated list of media ranges (an Accept header's value). Commas inside
     * quoted parameter values do not separate; empty list elements are skipped (RFC 7230 7).
     *
     * @throws DicomWebException (400, HZ-5301) if an element is not a media range
     */
    public static List<MediaType> parseList(String text) {
        Objects.requireNonNull(text, "text");
        Cursor c = new Cursor(text);
        List<MediaType> out = new ArrayList<>();
        while (true) {
            c.skipSpace();
            if (c.atEnd()) {
                return List.copyOf(out);
            }
            if (c.peek() == ',') {
                c.pos++;
                continue;
            }
            out.add(c.mediaType());
            c.skipSpace();
            if (!c.atEnd() && c.peek() != ',') {
                throw c.error("expected ',' at \"" + text.substring(c.pos) + "\"");
            }
        }
    }

    /** A parameter's value; names are case-insensitive. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** This type with one parameter added or replaced. */
    public MediaType withParameter(String name, String value) {
        Map<String, String> p = new LinkedHashMap<>(parameters);
        p.put(name.toLowerCase(Locale.ROOT), value);
        return new MediaType(type, subtype, p);
    }

    /** This type without parameters. */
    public MediaType withoutParameters() {
        return new MediaType(type, subtype, Map.of());
    }

    /** True when type and subtype are equal (parameters ignored). */
    public boolean sameTypeAs(MediaType other) {
        return type.equals(other.type) && subtype.equals(other.subtype);
    }

    /** "type/subtype" */
    public String essence() {
        return type + "/" + subtype;
    }

    /** The header form; values that are not tokens are quoted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(essence());
        parameters.forEach((k, v) -> {
            sb.append("; ").append(k).append('=');
            if (!v.isEmpty() && v.chars().allMatch(MediaType::isTokenChar)) {
                sb.append(v);
            } else {
                sb.append('"');
                for (int i = 0; i < v.length(); i++) {
                    char ch = v.charAt(i);
                    if (ch == '"' || ch == '\\') {
                        sb.append('\\');
                    }
                    sb.append(ch);
                }
                sb.append('"');
            }
        });
        return sb.toString();
    }

    /** tchar of RFC 7230 3.2.6. */
    static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        void skipSpace() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
        }

        String token() {
            int start = pos;
            while (!atEnd() && isTokenChar(peek())) {
                pos++;
            }
            if (start == pos) {
                throw error(atEnd() ? "unexpected end" : "unexpected '" + peek() + "'");
            }
            return s.substring(start, pos);
        }

        MediaType mediaType() {
            skipSpace();
            String type = token();
            if (atEnd() || peek() != '/') {
                throw error("\"" + type + "\" has no subtype");
            }
            pos++;
            String subtype = token();
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (atEnd() || peek() != ';') {
                    return new MediaType(type, subtype, params);
                }
                pos++;
                skipSpace();
                if (atEnd() || peek() == ',' || peek() == ';') {
                    continue; // tolerate an empty parameter ("a/b;")
                }
                String name = token().toLowerCase(Locale.ROOT);
                skipSpace();
                if (atEnd() || peek() != '=') {
                    throw error("parameter \"" + name + "\" has no value");
                }
                pos++;
                skipSpace();
                params.put(name, !atEnd() && peek() == '"' ? quoted() : unquotedValue());
            }
        }

        /**
         * An unquoted parameter value: a token, leniently extended to '/' and the other
         * separators except ';' ',' '"' and white space, because DICOMweb clients commonly send
         * {@code type=application/dicom} without the quotes RFC 7231 requires.
         */
        String unquotedValue() {
            int start = pos;
            while (!atEnd() && peek() > 0x20 && peek() < 0x7F && ";,\"".indexOf(peek()) < 0) {
                pos++;
            }
            if (start == pos) {
                throw error(atEnd() ? "parameter value missing at the end" : "unexpected '" + peek() + "'");
            }
            return s.substring(start, pos);
        }

        String quoted() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (!atEnd()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
            throw error("unterminated quoted string");
        }

        DicomWebException error(String detail) {
            return new DicomWebException(400, "HZ-5301", "malformed media type \"" + s + "\": " + detail);
        }
    }
}
