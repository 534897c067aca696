package org.huizhen.dicom.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;

import io.vertx.core.buffer.Buffer;

/**
 * The DICOM JSON Model (PS3.18 Annex F.2): writes a {@link DataSet} as a JSON object and reads
 * one back. Writing streams through Jackson's {@link JsonGenerator} (no tree is built); the
 * output follows these rules:
 * <ul>
 *   <li>keys are the tags as eight upper-case hex digits, in ascending tag order (F.2.1.1);
 *       private creators and private elements are kept like any other element;</li>
 *   <li>each attribute has "vr" and one of "Value", "InlineBinary", "BulkDataURI"; an empty
 *       attribute has none of them (F.2.5), an empty value inside a multi-valued one is
 *       {@code null};</li>
 *   <li>text is decoded with the data set's Specific Character Set and written as UTF-8 (F.2);</li>
 *   <li>PN values are objects with "Alphabetic", "Ideographic", "Phonetic" members, empty groups
 *       left out (F.2.2);</li>
 *   <li>IS, DS, US, SS, UL, SL, FL, FD, SV, UV values are JSON numbers (F.2.3); SV and UV
 *       beyond ±(2<sup>53</sup>-1), which a JavaScript number cannot hold exactly, are strings
 *       (F.2.3.1); an IS/DS text that is not a number at all, and a NaN or infinite FL/FD, is
 *       written as a string so that nothing is lost;</li>
 *   <li>AT values are strings of eight hex digits (F.2.3);</li>
 *   <li>binary values (OB, OD, OF, OL, OV, OW, UN) are "InlineBinary" base64 of the Little
 *       Endian bytes, or a "BulkDataURI" when the {@link BulkDataUriFactory} names one (F.2.7).</li>
 * </ul>
 *
 * <p>For WADO-RS /metadata of many instances, {@link #render} each instance once at ingest and
 * later join the stored bytes with {@link #concatArray} / {@link #writeArray}: no parsing or
 * re-encoding per request.
 *
 * <p>Reading accepts the same model (numbers may also arrive as strings), resolves
 * "BulkDataURI" through a {@link BulkDataResolver}, and encodes text with the JSON's own
 * Specific Character Set; when that cannot hold a value (JSON is Unicode), the data set is
 * switched to ISO_IR 192 (UTF-8) instead of losing characters. Malformed JSON gives a
 * {@link DicomWebException} with status 400.
 *
 * <p>Stateless and thread-safe.
 */
public final class DicomJson {

    /** The media type of the model, PS3.18 8.7.3.2. */
    public static final String MEDIA_TYPE = "application/dicom+json";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(512)
                    .maxStringLength(Integer.MAX_VALUE).build())
            .build();

    /** JSON number grammar (RFC 8259 6). */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s]+");
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private DicomJson() {
    }

    // ------------------------------------------------------------------------------ writing

    /**
     * Writes the data set as one JSON object to the generator (which the caller owns and
     * closes).
     *
     * @throws IllegalArgumentException (HZ-5101) if encapsulated pixel data gets no BulkDataURI
     */
    public static void write(DataSet ds, JsonGenerator gen, BulkDataUriFactory bulk) throws IOException {
        Objects.requireNonNull(bulk, "bulk");
        writeObject(ds, gen, bulk, "");
    }

    /** Writes the data set as one UTF-8 JSON object to the stream (left open). */
    public static void write(DataSet ds, OutputStream out, BulkDataUriFactory bulk) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(ds, gen, bulk);
        }
    }

    /** Writes the data set as one JSON object to the writer (left open). */
    public static void write(DataSet ds, Writer out, BulkDataUriFactory bulk) throws IOException {
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(ds, gen, bulk);
        }
    }

    /**
     * The data set as one UTF-8 JSON object: pre-render an instance's metadata at ingest and
     * keep the bytes, then answer /metadata requests with {@link #concatArray}.
     */
    public static byte[] render(DataSet ds, BulkDataUriFactory bulk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            write(ds, out, bulk);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * A JSON array of pre-rendered objects (each from {@link #render}), joined without parsing:
     * the body of a WADO-RS /metadata or QIDO-RS response.
     */
    public static Buffer concatArray(List<byte[]> rendered) {
        int size = 2 + Math.max(0, rendered.size() - 1);
        for (byte[] r : rendered) {
            size += r.length;
        }
        Buffer b = Buffer.buffer(size);
        b.appendByte((byte) '[');
        for (int i = 0; i < rendered.size(); i++) {
            if (i > 0) {
                b.appendByte((byte) ',');
            }
            b.appendBytes(rendered.get(i));
        }
        return b.appendByte((byte) ']');
    }

    /** Writes a JSON array of pre-rendered objects (see {@link #concatArray}) to the stream. */
    public static void writeArray(List<byte[]> rendered, OutputStream out) throws IOException {
        out.write('[');
        for (int i = 0; i < rendered.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(rendered.get(i));
        }
        out.write(']');
    }

    /** The tag as the eight upper-case hex digits of a JSON key (PS3.18 F.2.1.1). */
    public static String key(int tag) {
        char[] c = new char[8];
        for (int i = 7; i >= 0; i--) {
            c[i] = HEX[tag & 0xF];
            tag >>>= 4;
        }
        return new String(c);
    }

    private static void writeObject(DataSet ds, JsonGenerator gen, BulkDataUriFactory bulk, String prefix)
            throws IOException {
        gen.writeStartObject();
        for (DicomElement e : ds.elements()) {
            String key = key(e.tag());
            gen.writeFieldName(key);
            gen.writeStartObject();
            gen.writeStringField("vr", e.vr().name());
            writeValue(ds, e, gen, bulk, prefix + key);
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    private static void writeValue(DataSet ds, DicomElement e, JsonGenerator gen, BulkDataUriFactory bulk,
                                   String path) throws IOException {
        Value v = e.value();
        if (v instanceof Value.Sequence s) {
            if (!s.items().isEmpty()) {
                gen.writeArrayFieldStart("Value");
                for (int i = 0; i < s.items().size(); i++) {
                    writeObject(s.items().get(i), gen, bulk, path + "/" + i + "/");
                }
                gen.writeEndArray();
            }
            return;
        }
        if (e.vr() == VR.SQ) {
            return; // an empty sequence read as a zero-length value
        }
        var uri = bulk.uriFor(path, e);
        if (uri.isPresent()) {
            gen.writeStringField("BulkDataURI", uri.get());
            return;
        }
        if (v instanceof Fragments) {
            throw new IllegalArgumentException("HZ-5101 encapsulated pixel data " + Tag.toString(e.tag())
                    + " has no inline form in the DICOM JSON model (PS3.18 F.2.7): give it a BulkDataURI");
        }
        DataSet one = ds;
        if (v instanceof BulkData b) {
            // Decode the loaded value with this data set's character set, as if it were inline.
            e = new DicomElement(e.tag(), e.vr(), Value.Bytes.of(load(b, e.vr())));
            v = e.value();
            one = new DataSet.Builder(ds.specificCharacterSet()).add(e).build();
        }
        if (v.length() == 0) {
            return; // F.2.5: no value, no "Value"
        }
        switch (e.vr()) {
            case OB, OD, OF, OL, OV, OW, UN -> {
                byte[] bytes = ((Value.Bytes) v).unsafeArray();
                gen.writeFieldName("InlineBinary");
                gen.writeBinary(bytes);
            }
            case AT -> {
                ByteBuffer bb = ByteBuffer.wrap(((Value.Bytes) v).unsafeArray()).order(ByteOrder.LITTLE_ENDIAN);
                gen.writeArrayFieldStart("Value");
                while (bb.remaining() >= 4) {
                    int g = bb.getShort() & 0xFFFF;
                    int el = bb.getShort() & 0xFFFF;
                    gen.writeString(key((g << 16) | el));
                }
                gen.writeEndArray();
            }
            case US, SS, UL, SL -> {
                long[] a = one.getLongs(e.tag()).orElse(new long[0]);
                gen.writeArrayFieldStart("Value");
                for (long l : a) {
                    gen.writeNumber(l);
                }
                gen.writeEndArray();
            }
            case SV, UV -> {
                long[] a = one.getLongs(e.tag()).orElse(new long[0]);
                gen.writeArrayFieldStart("Value");
                for (long l : a) {
                    boolean unsignedBig = e.vr() == VR.UV && (l < 0 || l > MAX_SAFE_INTEGER);
                    if (unsignedBig) {
                        gen.writeString(Long.toUnsignedString(l)); // F.2.3.1
                    } else if (l > MAX_SAFE_INTEGER || l < -MAX_SAFE_INTEGER) {
                        gen.writeString(Long.toString(l)); // F.2.3.1
                    } else {
                        gen.writeNumber(l);
                    }
                }
                gen.writeEndArray();
            }
            case FL, FD -> {
                double[] a = one.getDoubles(e.tag()).orElse(new double[0]);
                gen.writeArrayFieldStart("Value");
                for (double d : a) {
                    if (Double.isNaN(d) || Double.isInfinite(d)) {
                        gen.writeString(Double.toString(d)); // JSON has no NaN or infinity
                    } else if (e.vr() == VR.FL) {
                        gen.writeNumber((float) d);
                    } else {
                        gen.writeNumber(d);
                    }
                }
                gen.writeEndArray();
            }
            case IS, DS -> writeStrings(one, e, gen, true);
            case PN -> writePersonNames(one, e, gen);
            default -> writeStrings(one, e, gen, false);
        }
    }

    private static void writeStrings(DataSet ds, DicomElement e, JsonGenerator gen, boolean numeric)
            throws IOException {
        List<String> values = ds.getStrings(e.tag()).orElse(List.of());
        if (values.stream().allMatch(String::isEmpty)) {
            return; // only padding: no value (F.2.5)
        }
        gen.writeArrayFieldStart("Value");
        for (String s : values) {
            if (s.isEmpty()) {
                gen.writeNull();
            } else if (numeric) {
                writeNumberText(s, gen);
            } else {
                gen.writeString(s);
            }
        }
        gen.writeEndArray();
    }

    /** IS/DS text as a JSON number, kept digit for digit where the text already is one. */
    private static void writeNumberText(String s, JsonGenerator gen) throws IOException {
        if (JSON_NUMBER.matcher(s).matches()) {
            gen.writeNumber(s);
            return;
        }
        try {
            // "+1", ".5", "1.", "007": valid DICOM numbers that JSON spells differently.
            gen.writeNumber(new BigDecimal(s).toString());
        } catch (NumberFormatException notANumber) {
            gen.writeString(s); // not a number at all: keep the text rather than lose it
        }
    }

    private static void writePersonNames(DataSet ds, DicomElement e, JsonGenerator gen) throws IOException {
        List<String> values = ds.getStrings(e.tag()).orElse(List.of());
        if (values.stream().allMatch(String::isEmpty)) {
            return;
        }
        gen.writeArrayFieldStart("Value");
        for (String s : values) {
            String[] groups = s.split("=", -1);
            if (s.isEmpty()) {
                gen.writeNull();
                continue;
            }
            gen.writeStartObject();
            String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
            for (int g = 0; g < Math.min(3, groups.length); g++) {
                String group = stripTrailingSpaces(groups[g]);
                if (!group.isEmpty()) {
                    gen.writeStringField(names[g], group);
                }
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Reads a bulk value from its file into the heap, swapped to Little Endian. */
    private static byte[] load(BulkData b, VR vr) throws IOException {
        if (b.length() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("HZ-5102 bulk value of " + b.length()
                    + " bytes is too large to inline: give it a BulkDataURI");
        }
        byte[] bytes;
        try (InputStream in = b.openStream()) {
            bytes = in.readNBytes((int) b.length());
        }
        int unit = vr.swapUnit();
        if (b.bigEndian() && unit > 1) {
            for (int i = 0; i + unit <= bytes.length; i += unit) {
                for (int j = 0; j < unit / 2; j++) {
                    byte t = bytes[i + j];
                    bytes[i + j] = bytes[i + unit - 1 - j];
                    bytes[i + unit - 1 - j] = t;
                }
            }
        }
        return bytes;
    }

    // ------------------------------------------------------------------------------ reading

    /**
     * Reads one JSON object (the parser positioned before or at its START_OBJECT) into a
     * data set.
     *
     * @throws DicomWebException (400) for JSON that is not a valid DICOM JSON object
     */
    public static DataSet read(JsonParser parser, BulkDataResolver bulk) throws IOException {
        Objects.requireNonNull(bulk, "bulk");
        try {
            JsonToken t = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
            if (t != JsonToken.START_OBJECT) {
                throw bad("HZ-5111", "expected a JSON object, found " + t);
            }
            Map<String, Object> tree = parseObject(parser);
            return toTopLevel(tree, bulk);
        } catch (JsonProcessingException e) {
            throw new DicomWebException(400, "HZ-5112", "malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads one JSON object from UTF-8 (or UTF-16/32, detected) bytes. */
    public static DataSet read(InputStream in, BulkDataResolver bulk) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            return read(p, bulk);
        }
    }

    /** Reads one JSON object from bytes. */
    public static DataSet read(byte[] json, BulkDataResolver bulk) {
        try (JsonParser p = FACTORY.createParser(json)) {
            return read(p, bulk);
        } catch (IOException e) {
            throw new DicomWebException(400, "HZ-5112", "malformed JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON array of objects (a QIDO-RS or /metadata response, or the metadata part of
     * a STOW-RS request) into data sets.
     */
    public static List<DataSet> readArray(InputStream in, BulkDataResolver bulk) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            try {
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw bad("HZ-5113", "expected a JSON array of DICOM JSON objects");
                }
                List<DataSet> out = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) {
                        throw bad("HZ-5112", "malformed JSON: the array is not closed");
                    }
                    out.add(read(p, bulk));
                }
                return out;
            } catch (JsonProcessingException e) {
                throw new DicomWebException(400, "HZ-5112", "malformed JSON: " + e.getOriginalMessage(), e);
            }
        }
    }

    /** A JSON number token's text, kept so that IS/DS digits survive. */
    private record NumberText(String text) {
    }

    /** Parses the object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private static Map<String, Object> parseObject(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (m.put(name, parseAny(p)) != null) {
                throw bad("HZ-5114", "duplicate member \"" + name + "\"");
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw bad("HZ-5112", "malformed JSON object");
        }
        return m;
    }

    private static Object parseAny(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw bad("HZ-5112", "malformed JSON: unexpected end of input");
        }
        return switch (t) {
            case START_OBJECT -> parseObject(p);
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(parseAny(p));
                }
                yield l;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new NumberText(p.getText());
            case VALUE_NULL -> null;
            case VALUE_TRUE, VALUE_FALSE -> throw bad("HZ-5115", "booleans have no place in the DICOM JSON model");
            default -> throw bad("HZ-5112", "malformed JSON: unexpected " + t);
        };
    }

    private static DataSet toTopLevel(Map<String, Object> tree, BulkDataResolver bulk) {
        Object cs = tree.get(key(Tag.SpecificCharacterSet));
        SpecificCharacterSet declared = SpecificCharacterSet.DEFAULT;
        if (cs instanceof Map<?, ?> attr && attr.get("Value") instanceof List<?> terms) {
            try {
                declared = SpecificCharacterSet.valueOf(terms.stream()
                        .map(o -> o == null ? "" : String.valueOf(o)).toArray(String[]::new));
            } catch (IllegalArgumentException unknown) {
                declared = SpecificCharacterSet.DEFAULT;
            }
        }
        if (!encodable(tree, declared)) {
            // JSON text is Unicode: rather than turn characters into '?', declare UTF-8 (PS3.18 F.2).
            Map<String, Object> copy = new LinkedHashMap<>(tree);
            Map<String, Object> utf8 = new LinkedHashMap<>();
            utf8.put("vr", "CS");
            utf8.put("Value", List.of("ISO_IR 192"));
            copy.put(key(Tag.SpecificCharacterSet), utf8);
            tree = copy;
        }
        return toDataSet(tree, new DataSet.Builder(), bulk, "");
    }

    /** Whether every text value in the tree (sequence items included) can be encoded in the character set. */
    private static boolean encodable(Map<?, ?> tree, SpecificCharacterSet cs) {
        for (Object attr : tree.values()) {
            if (!(attr instanceof Map<?, ?> a) || !(a.get("Value") instanceof List<?> values)) {
                continue;
            }
            boolean sequence = "SQ".equals(a.get("vr"));
            for (Object v : values) {
                if (v instanceof String s && !cs.canEncode(s)) {
                    return false;
                }
                if (v instanceof Map<?, ?> m) {
                    if (sequence) {
                        if (!encodable(m, cs)) {
                            return false;
                        }
                    } else {
                        for (Object o : m.values()) {
                            if (o instanceof String s && !cs.canEncode(s)) {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        return true;
    }

    private static DataSet toDataSet(Map<String, Object> obj, DataSet.Builder b, BulkDataResolver bulk,
                                     String prefix) {
        String csKey = key(Tag.SpecificCharacterSet);
        if (obj.containsKey(csKey)) {
            // First, so that every other text value is encoded with it (PS3.5 6.1.2.3).
            addAttribute(b, csKey, obj.get(csKey), bulk, prefix);
        }
        for (Map.Entry<String, Object> entry : obj.entrySet()) {
            if (!entry.getKey().equals(csKey)) {
                addAttribute(b, entry.getKey(), entry.getValue(), bulk, prefix);
            }
        }
        return b.build();
    }

    private static void addAttribute(DataSet.Builder b, String key, Object attrObj, BulkDataResolver bulk,
                                     String prefix) {
        int tag = parseTag(key);
        if (!(attrObj instanceof Map<?, ?> attr)) {
            throw bad("HZ-5116", "attribute " + key + " is not a JSON object");
        }
        if (!(attr.get("vr") instanceof String vrCode)) {
            throw bad("HZ-5117", "attribute " + key + " has no \"vr\"");
        }
        VR vr = VR.fromCode(vrCode).orElseThrow(() -> bad("HZ-5118", "attribute " + key + " has unknown VR \"" + vrCode + "\""));
        Object value = attr.get("Value");
        Object inline = attr.get("InlineBinary");
        Object uri = attr.get("BulkDataURI");
        int forms = (value != null ? 1 : 0) + (inline != null ? 1 : 0) + (uri != null ? 1 : 0);
        if (forms > 1) {
            throw bad("HZ-5119", "attribute " + key + " has more than one of Value, InlineBinary, BulkDataURI");
        }
        if (uri != null) {
            if (!(uri instanceof String u)) {
                throw bad("HZ-5120", "attribute " + key + ": BulkDataURI is not a string");
            }
            b.set(tag, vr, bulk.resolve(u, tag, vr));
            return;
        }
        if (inline != null) {
            if (!(inline instanceof String s)) {
                throw bad("HZ-5121", "attribute " + key + ": InlineBinary is not a string");
            }
            try {
                // Strict base64; only line breaks and spaces that some encoders insert are skipped.
                b.setBytes(tag, vr, Base64.getDecoder().decode(WHITESPACE.matcher(s).replaceAll("")));
            } catch (IllegalArgumentException notBase64) {
                throw bad("HZ-5121", "attribute " + key + ": InlineBinary is not base64");
            }
            return;
        }
        if (value == null) {
            if (vr == VR.SQ) {
                b.setSequence(tag, List.of());
            } else {
                b.set(tag, vr, Value.Bytes.EMPTY);
            }
            return;
        }
        if (!(value instanceof List<?> values)) {
            throw bad("HZ-5122", "attribute " + key + ": Value is not an array");
        }
        try {
            setValues(b, tag, vr, values, bulk, prefix + key);
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad("HZ-5123", "attribute " + key + " (" + vr + "): value is not a valid number: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw bad("HZ-5124", "attribute " + key + " (" + vr + "): " + e.getMessage());
        }
    }

    private static void setValues(DataSet.Builder b, int tag, VR vr, List<?> values, BulkDataResolver bulk,
                                  String path) {
        switch (vr) {
            case SQ -> {
                List<DataSet> items = new ArrayList<>(values.size());
                for (int i = 0; i < values.size(); i++) {
                    if (!(values.get(i) instanceof Map<?, ?> item)) {
                        throw bad("HZ-5125", "sequence " + path + " item " + i + " is not a JSON object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) item;
                    items.add(toDataSet(m, new DataSet.Builder(b.charset()), bulk, path + "/" + i + "/"));
                }
                b.setSequence(tag, items);
            }
            case PN -> {
                String[] s = new String[values.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = personName(values.get(i), path);
                }
                b.setString(tag, vr, s);
            }
            case AT -> {
                ByteBuffer bb = ByteBuffer.allocate(4 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
                for (Object o : values) {
                    if (!(o instanceof String s)) {
                        throw bad("HZ-5126", "AT value of " + path + " is not a string of 8 hex digits");
                    }
                    int at = parseTag(s);
                    bb.putShort((short) (at >>> 16)).putShort((short) at);
                }
                b.setBytes(tag, vr, bb.array());
            }
            case US, SS, UL, SL, SV, UV -> {
                long[] l = new long[values.size()];
                for (int i = 0; i < l.length; i++) {
                    l[i] = integer(values.get(i), vr);
                }
                b.setInt(tag, vr, l);
            }
            case FL, FD -> {
                double[] d = new double[values.size()];
                for (int i = 0; i < d.length; i++) {
                    Object o = values.get(i);
                    if (o == null) {
                        throw bad("HZ-5127", vr + " value of " + path + " is null");
                    }
                    d[i] = Double.parseDouble(text(o));
                }
                b.setDouble(tag, vr, d);
            }
            case OB, OD, OF, OL, OV, OW, UN -> throw bad("HZ-5128",
                    path + ": VR " + vr + " takes InlineBinary or BulkDataURI, not Value");
            default -> {
                String[] s = new String[values.size()];
                for (int i = 0; i < s.length; i++) {
                    Object o = values.get(i);
                    if (o instanceof Map<?, ?> || o instanceof List<?>) {
                        throw bad("HZ-5129", vr + " value of " + path + " is not a string");
                    }
                    s[i] = o == null ? "" : text(o);
                    if ((vr == VR.IS || vr == VR.DS) && o instanceof NumberText n) {
                        s[i] = n.text();
                    }
                }
                b.setString(tag, vr, s);
            }
        }
    }

    private static String text(Object o) {
        return o instanceof NumberText n ? n.text() : String.valueOf(o);
    }

    private static long integer(Object o, VR vr) {
        if (o == null) {
            throw bad("HZ-5127", vr + " value is null");
        }
        BigDecimal d = new BigDecimal(text(o)).stripTrailingZeros();
        var i = d.toBigIntegerExact();
        var min = switch (vr) {
            case US, UL, UV -> java.math.BigInteger.ZERO;
            case SS -> java.math.BigInteger.valueOf(Short.MIN_VALUE);
            case SL -> java.math.BigInteger.valueOf(Integer.MIN_VALUE);
            default -> java.math.BigInteger.valueOf(Long.MIN_VALUE);
        };
        var max = switch (vr) {
            case US -> java.math.BigInteger.valueOf(0xFFFF);
            case SS -> java.math.BigInteger.valueOf(Short.MAX_VALUE);
            case UL -> java.math.BigInteger.valueOf(0xFFFFFFFFL);
            case SL -> java.math.BigInteger.valueOf(Integer.MAX_VALUE);
            case UV -> java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);
            default -> java.math.BigInteger.valueOf(Long.MAX_VALUE);
        };
        if (i.compareTo(min) < 0 || i.compareTo(max) > 0) {
            throw bad("HZ-5130", vr + " value " + i + " is out of range");
        }
        return i.longValue(); // UV above 2^63 keeps its bits
    }

    private static String personName(Object o, String path) {
        if (o == null) {
            return "";
        }
        if (o instanceof String s) {
            return s; // lenient: some encoders write the DICOM form as a plain string
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw bad("HZ-5131", "PN value of " + path + " is not an object");
        }
        for (Object k : m.keySet()) {
            if (!k.equals("Alphabetic") && !k.equals("Ideographic") && !k.equals("Phonetic")) {
                throw bad("HZ-5131", "PN value of " + path + " has unknown member \"" + k + "\"");
            }
        }
        String[] groups = {group(m, "Alphabetic"), group(m, "Ideographic"), group(m, "Phonetic")};
        int n = 3;
        while (n > 0 && groups[n - 1].isEmpty()) {
            n--;
        }
        return String.join("=", java.util.Arrays.copyOf(groups, n));
    }

    private static String group(Map<?, ?> m, String name) {
        Object o = m.get(name);
        if (o == null) {
            return "";
        }
        if (!(o instanceof String s)) {
            throw bad("HZ-5131", "PN component group " + name + " is not a string");
        }
        return s;
    }

    private static int parseTag(String key) {
        if (key.length() != 8) {
            throw bad("HZ-5132", "\"" + key + "\" is not a tag of eight hex digits");
        }
        try {
            return Integer.parseUnsignedInt(key, 16);
        } catch (NumberFormatException e) {
            throw bad("HZ-5132", "\"" + key + "\" is not a tag of eight hex digits");
        }
    }

    private static DicomWebException bad(String code, String detail) {
        return new DicomWebException(400, code, detail);
    }
}
