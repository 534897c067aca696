package org.huizhen.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.huizhen.dicom.web.DataSetAssert.assertSameContent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.buffer.Buffer;

/**
 * DICOM JSON model (PS3.18 F.2): every shared file survives DataSet → JSON → DataSet, the output
 * obeys the model's rules (checked on a tree built by jackson-databind, independent of the
 * streaming reader), and malformed JSON is refused with a 400 and its code.
 */
class DicomJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern KEY = Pattern.compile("[0-9A-F]{8}");

    /** Records each value given a URI so that the resolver can hand the same value back. */
    private static class RecordingBulk implements BulkDataUriFactory, BulkDataResolver {
        final Map<String, Value> byUri = new HashMap<>();
        final long threshold;

        RecordingBulk(long threshold) {
            this.threshold = threshold;
        }

        @Override
        public Optional<String> uriFor(String path, org.huizhen.dicom.data.DicomElement element) {
            if (!BulkDataUriFactory.isBulk(element, threshold)) {
                return Optional.empty();
            }
            String uri = "http://hub.test/bulk/" + path;
            byUri.put(uri, element.value());
            return Optional.of(uri);
        }

        @Override
        public Value resolve(String uri, int tag, VR vr) {
            Value v = byUri.get(uri);
            assertThat(v).as("value written under %s", uri).isNotNull();
            return v;
        }
    }

    static List<Path> files() {
        return WebTestFiles.dicomFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everySharedFileRoundTripsThroughJson(Path file) throws Exception {
        DataSet original = DicomReader.readFile(file, ReadOptions.DEFAULT).dataSet();
        RecordingBulk bulk = new RecordingBulk(1024);

        byte[] json = DicomJson.render(original, bulk);
        validate(MAPPER.readTree(json), "");
        DataSet back = DicomJson.read(new ByteArrayInputStream(json), bulk);

        assertSameContent(back, original, file.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void valuesLeftInTheFileAreInlinedWhenNoUriIsGiven(Path file) throws Exception {
        // Read with every value above 256 bytes left in the file; inline all but encapsulated pixel data.
        Part10File p = DicomReader.readFile(file, ReadOptions.DEFAULT.withBulkDataReferences(256));
        DataSet inline = DicomReader.readFile(file, ReadOptions.DEFAULT).dataSet();
        RecordingBulk fragmentsOnly = new RecordingBulk(Long.MAX_VALUE) {
            @Override
            public Optional<String> uriFor(String path, org.huizhen.dicom.data.DicomElement element) {
                return element.value() instanceof org.huizhen.dicom.data.Fragments ? super.uriFor(path, element)
                        : Optional.empty();
            }
        };
        byte[] json = DicomJson.render(p.dataSet(), fragmentsOnly);
        validate(MAPPER.readTree(json), "");
        DataSet back = DicomJson.read(json, fragmentsOnly);
        // Compared with the fully inline reading: file references came back as the same bytes
        // (swapped to Little Endian for Big Endian files). Fragments are compared by content.
        assertSameContent(back, replaceFragments(inline, p.dataSet()), file.getFileName().toString());
    }

    /** The inline data set with its Fragments values replaced by the referenced ones (which the resolver returns). */
    private static DataSet replaceFragments(DataSet inline, DataSet referenced) {
        DataSet.Builder b = inline.toBuilder();
        referenced.getFragments(Tag.PixelData).ifPresent(f -> b.set(Tag.PixelData, referenced.get(Tag.PixelData).get().vr(), f));
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"chrX1.dcm, ISO_IR 192, 王^小東", "chrX2.dcm, GB18030, 王^小东"})
    void chineseNameIsWrittenAsUtf8AndReadBackInTheDeclaredCharacterSet(String name, String charset,
                                                                          String ideographic) throws Exception {
        // The names are those dcmdump shows for the files (MANIFEST.md).
        DataSet original = DicomReader.readFile(WebTestFiles.root().resolve("dicom").resolve(name), ReadOptions.DEFAULT)
                .dataSet();
        byte[] json = DicomJson.render(original, BulkDataUriFactory.above(1024, p -> "bulk/" + p));
        JsonNode pn = MAPPER.readTree(new String(json, StandardCharsets.UTF_8)).get("00100010");
        assertThat(pn.get("vr").asText()).isEqualTo("PN");
        assertThat(pn.get("Value").get(0).get("Alphabetic").asText()).isEqualTo("Wang^XiaoDong");
        assertThat(pn.get("Value").get(0).get("Ideographic").asText()).isEqualTo(ideographic);
        assertThat(pn.get("Value").get(0).has("Phonetic")).as("empty phonetic group left out").isFalse();

        DataSet back = DicomJson.read(json, (uri, tag, vr) -> original.get(tag).orElseThrow().value());
        assertThat(back.getStrings(Tag.SpecificCharacterSet).orElseThrow()).containsExactly(charset);
        assertThat(back.getString(Tag.PatientName)).contains("Wang^XiaoDong=" + ideographic);
        assertSameContent(back, original, name);
    }

    @Test
    void unicodeTextThatTheDeclaredCharacterSetCannotHoldSwitchesToUtf8() {
        String json = """
                {"00080005":{"vr":"CS","Value":["ISO_IR 100"]},
                 "00100010":{"vr":"PN","Value":[{"Alphabetic":"Li^Na","Ideographic":"李^娜"}]}}""";
        DataSet ds = DicomJson.read(json.getBytes(StandardCharsets.UTF_8), BulkDataResolver.refuseAll());
        assertThat(ds.getStrings(Tag.SpecificCharacterSet).orElseThrow()).containsExactly("ISO_IR 192");
        assertThat(ds.getString(Tag.PatientName)).contains("Li^Na=李^娜");
    }

    @Test
    void writesEachVrInTheFormTheModelPrescribes() throws Exception {
        DataSet item = DataSet.builder().setString(Tag.CodeValue, VR.SH, "T-A0100").build();
        DataSet ds = DataSet.builder()
                .setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192")
                .setString(Tag.PatientName, VR.PN, "Zhang^San=张^三", "", "^^^Dr")
                .setString(Tag.PatientID, VR.LO, "")
                .setString(Tag.ImageType, VR.CS, "ORIGINAL", "", "AXIAL")
                .setString(Tag.PixelSpacing, VR.DS, "+0.5", "1.50")
                .setString(Tag.InstanceNumber, VR.IS, "007")
                .setString(Tag.SliceThickness, VR.DS, "abc")
                .setInt(Tag.Rows, VR.US, 65535)
                .setInt(0x00191001, VR.SS, -2)
                .setString(0x00190010, VR.LO, "HUIZHEN TEST")
                .setInt(Tag.SelectorULValue, VR.UL, 4294967295L)
                .setInt(Tag.SelectorSLValue, VR.SL, Integer.MIN_VALUE)
                .setInt(Tag.SelectorSVValue, VR.SV, 42, Long.MIN_VALUE)
                .setInt(Tag.SelectorUVValue, VR.UV, 7, -1L)
                .setDouble(Tag.SelectorFLValue, VR.FL, 1.25, Double.NaN)
                .setDouble(Tag.SelectorFDValue, VR.FD, -2.5e-300)
                .setBytes(Tag.SelectorATValue, VR.AT, new byte[] {0x10, 0x00, 0x20, 0x00})
                .setBytes(Tag.SelectorOBValue, VR.OB, new byte[] {1, 2, 3})
                .setSequence(Tag.ProcedureCodeSequence, List.of(item, DataSet.empty()))
                .setSequence(Tag.ReferencedImageSequence, List.of())
                .setBytes(0xFFFAFFFA, VR.SQ, new byte[0])
                .build();
        StringWriter w = new StringWriter();
        DicomJson.write(ds, w, BulkDataUriFactory.none());
        JsonNode root = MAPPER.readTree(w.toString());
        validate(root, "");

        JsonNode pn = root.get("00100010").get("Value");
        assertThat(pn.get(0).get("Alphabetic").asText()).isEqualTo("Zhang^San");
        assertThat(pn.get(0).get("Ideographic").asText()).isEqualTo("张^三");
        assertThat(pn.get(1).isNull()).as("empty name inside a multi-valued PN is null (F.2.5)").isTrue();
        assertThat(pn.get(2).get("Alphabetic").asText()).isEqualTo("^^^Dr");
        assertThat(root.get("00100020").has("Value")).as("empty attribute has no Value (F.2.5)").isFalse();
        assertThat(root.get("00080008").get("Value").get(1).isNull()).isTrue();
        // "+0.5" is not a JSON number: written as the number 0.5; "1.50" keeps its digits.
        assertThat(root.get("00280030").get("Value").get(0).decimalValue()).isEqualByComparingTo("0.5");
        assertThat(w.toString()).contains("[0.5,1.50]");
        assertThat(root.get("00200013").get("Value").get(0).isIntegralNumber()).isTrue();
        assertThat(root.get("00200013").get("Value").get(0).asInt()).isEqualTo(7);
        assertThat(root.get("00180050").get("Value").get(0).isTextual()).as("non-number DS kept as text").isTrue();
        assertThat(root.get("00280010").get("Value").get(0).asInt()).isEqualTo(65535);
        assertThat(root.get("00191001").get("Value").get(0).asInt()).isEqualTo(-2);
        assertThat(root.get("00190010").get("Value").get(0).asText()).isEqualTo("HUIZHEN TEST");
        assertThat(root.get(DicomJson.key(Tag.SelectorULValue)).get("Value").get(0).asLong()).isEqualTo(4294967295L);
        JsonNode sv = root.get(DicomJson.key(Tag.SelectorSVValue)).get("Value");
        assertThat(sv.get(0).isNumber()).isTrue();
        assertThat(sv.get(1).asText()).as("beyond 2^53: a string (F.2.3.1)").isEqualTo("-9223372036854775808");
        JsonNode uv = root.get(DicomJson.key(Tag.SelectorUVValue)).get("Value");
        assertThat(uv.get(1).asText()).isEqualTo("18446744073709551615");
        JsonNode fl = root.get(DicomJson.key(Tag.SelectorFLValue)).get("Value");
        assertThat(fl.get(0).asDouble()).isEqualTo(1.25);
        assertThat(fl.get(1).asText()).isEqualTo("NaN");
        assertThat(root.get(DicomJson.key(Tag.SelectorATValue)).get("Value").get(0).asText())
                .as("AT (0010,0020): group then element, each Little Endian").isEqualTo("00100020");
        assertThat(Base64.getDecoder().decode(root.get(DicomJson.key(Tag.SelectorOBValue)).get("InlineBinary").asText()))
                .containsExactly(1, 2, 3);
        JsonNode items = root.get("00081032").get("Value");
        assertThat(items.get(0).get("00080100").get("Value").get(0).asText()).isEqualTo("T-A0100");
        assertThat(items.get(1).size()).as("empty item is {}").isZero();
        assertThat(root.get("00081140").has("Value")).isFalse();
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.get(keys.size() - 1)).as("unsigned tag order puts FFFAFFFA last").isEqualTo("FFFAFFFA");

        DataSet back = DicomJson.read(w.toString().getBytes(StandardCharsets.UTF_8), BulkDataResolver.refuseAll());
        assertSameContent(back, ds, "synthetic");
        assertThat(back.getLongs(Tag.SelectorUVValue).orElseThrow()).containsExactly(7, -1L);
        assertThat(back.getLongs(Tag.SelectorSVValue).orElseThrow()).containsExactly(42, Long.MIN_VALUE);
        assertThat(back.getDoubles(Tag.SelectorFLValue).orElseThrow()[1]).isNaN();
    }

    @Test
    void preRenderedInstancesJoinIntoOneArrayWithoutReparsing() throws Exception {
        List<Path> some = WebTestFiles.dicomFiles().subList(0, 5);
        List<DataSet> originals = new ArrayList<>();
        List<byte[]> rendered = new ArrayList<>();
        RecordingBulk bulk = new RecordingBulk(1024);
        for (Path f : some) {
            DataSet ds = DicomReader.readFile(f, ReadOptions.DEFAULT.withStopBeforePixelData(true)).dataSet();
            originals.add(ds);
            rendered.add(DicomJson.render(ds, bulk));
        }
        Buffer joined = DicomJson.concatArray(rendered);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        DicomJson.writeArray(rendered, streamed);
        assertThat(streamed.toByteArray()).isEqualTo(joined.getBytes());
        assertThat(MAPPER.readTree(joined.getBytes()).size()).isEqualTo(some.size());

        List<DataSet> back = DicomJson.readArray(new ByteArrayInputStream(joined.getBytes()), bulk);
        assertThat(back).hasSameSizeAs(originals);
        for (int i = 0; i < back.size(); i++) {
            assertSameContent(back.get(i), originals.get(i), some.get(i).toString());
        }
        assertThat(DicomJson.concatArray(List.of()).toString()).isEqualTo("[]");
    }

    @Test
    void bulkDataUrisNameTheAttributePathThroughSequenceItems() throws Exception {
        byte[] icon = new byte[2048];
        DataSet item = DataSet.builder().setBytes(Tag.PixelData, VR.OW, icon).build();
        DataSet ds = DataSet.builder()
                .setSequence(Tag.IconImageSequence, List.of(DataSet.empty(), item))
                .setBytes(Tag.EncapsulatedDocument, VR.OB, new byte[10])
                .build();
        JsonNode root = MAPPER.readTree(DicomJson.render(ds, BulkDataUriFactory.above(1024, p -> "/bulk/" + p)));
        assertThat(root.get("00880200").get("Value").get(1).get("7FE00010").get("BulkDataURI").asText())
                .isEqualTo("/bulk/00880200/1/7FE00010");
        assertThat(root.get("00420011").has("InlineBinary")).as("10 bytes stay inline").isTrue();
    }

    @Test
    void encapsulatedPixelDataNeedsAUri() throws Exception {
        Path jpeg = WebTestFiles.dicomFiles().stream().filter(f -> {
            try {
                return DicomReader.readFile(f, ReadOptions.DEFAULT).dataSet().getFragments(Tag.PixelData).isPresent();
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        DataSet ds = DicomReader.readFile(jpeg, ReadOptions.DEFAULT).dataSet();
        assertThatThrownBy(() -> DicomJson.render(ds, BulkDataUriFactory.none()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("HZ-5101");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HZ-5112 | {\"00100010\":",
            "HZ-5111 | [1,2]",
            "HZ-5132 | {\"0010001\":{\"vr\":\"LO\"}}",
            "HZ-5132 | {\"0010001G\":{\"vr\":\"LO\"}}",
            "HZ-5117 | {\"00100010\":{\"Value\":[\"x\"]}}",
            "HZ-5118 | {\"00100010\":{\"vr\":\"XX\"}}",
            "HZ-5116 | {\"00100010\":\"Doe\"}",
            "HZ-5119 | {\"7FE00010\":{\"vr\":\"OB\",\"InlineBinary\":\"AAAA\",\"BulkDataURI\":\"x\"}}",
            "HZ-5128 | {\"7FE00010\":{\"vr\":\"OB\",\"Value\":[1]}}",
            "HZ-5121 | {\"7FE00010\":{\"vr\":\"OB\",\"InlineBinary\":\"@@@\"}}",
            "HZ-5126 | {\"00209165\":{\"vr\":\"AT\",\"Value\":[1048592]}}",
            "HZ-5132 | {\"00209165\":{\"vr\":\"AT\",\"Value\":[\"(0010,0010)\"]}}",
            "HZ-5130 | {\"00280010\":{\"vr\":\"US\",\"Value\":[65536]}}",
            "HZ-5123 | {\"00280010\":{\"vr\":\"US\",\"Value\":[1.5]}}",
            "HZ-5115 | {\"00280010\":{\"vr\":\"US\",\"Value\":[true]}}",
            "HZ-5131 | {\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Given\":\"x\"}]}}",
            "HZ-5125 | {\"00081032\":{\"vr\":\"SQ\",\"Value\":[\"x\"]}}",
            "HZ-5114 | {\"00100010\":{\"vr\":\"PN\"},\"00100010\":{\"vr\":\"PN\"}}",
            "HZ-5110 | {\"7FE00010\":{\"vr\":\"OB\",\"BulkDataURI\":\"http://elsewhere/x\"}}",
    })
    void malformedJsonIsRefusedWithItsCode(String code, String json) {
        assertThatThrownBy(() -> DicomJson.read(json.getBytes(StandardCharsets.UTF_8), BulkDataResolver.refuseAll()))
                .isInstanceOfSatisfying(DicomWebException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(code + " ");
                });
    }

    /** The rules of PS3.18 F.2 that the output must follow, checked on an independent tree. */
    static void validate(JsonNode obj, String where) {
        assertThat(obj.isObject()).as("data set at %s is an object", where).isTrue();
        String previous = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            String w = where + "/" + key;
            assertThat(key).as("key %s", w).matches(KEY);
            if (previous != null) {
                assertThat(Integer.compareUnsigned(Integer.parseUnsignedInt(previous, 16), Integer.parseUnsignedInt(key, 16)))
                        .as("ascending order at %s", w).isNegative();
            }
            previous = key;
            JsonNode attr = f.getValue();
            String vr = attr.get("vr").asText();
            assertThat(VR.fromCode(vr)).as("vr of %s", w).isPresent();
            int forms = (attr.has("Value") ? 1 : 0) + (attr.has("InlineBinary") ? 1 : 0) + (attr.has("BulkDataURI") ? 1 : 0);
            assertThat(forms).as("at most one value form at %s", w).isLessThanOrEqualTo(1);
            attr.fieldNames().forEachRemaining(n -> assertThat(n).as("member of %s", w)
                    .isIn("vr", "Value", "InlineBinary", "BulkDataURI"));
            if (attr.has("InlineBinary")) {
                assertThat(vr).as("InlineBinary VR at %s", w).isIn("OB", "OD", "OF", "OL", "OV", "OW", "UN");
                Base64.getDecoder().decode(attr.get("InlineBinary").asText());
            }
            if (!attr.has("Value")) {
                continue;
            }
            JsonNode values = attr.get("Value");
            assertThat(values.isArray() && !values.isEmpty()).as("Value of %s is a non-empty array", w).isTrue();
            assertThat(vr).as("VR with Value at %s", w).isNotIn("OB", "OD", "OF", "OL", "OV", "OW", "UN");
            int i = 0;
            for (JsonNode v : values) {
                String wi = w + "[" + i++ + "]";
                switch (vr) {
                    case "SQ" -> validate(v, wi);
                    case "PN" -> {
                        assertThat(v.isNull() || v.isObject()).as("PN %s", wi).isTrue();
                        v.fieldNames().forEachRemaining(n -> assertThat(n).isIn("Alphabetic", "Ideographic", "Phonetic"));
                        v.elements().forEachRemaining(g -> assertThat(g.isTextual()).isTrue());
                    }
                    case "AT" -> assertThat(v.asText()).as("AT %s", wi).matches(KEY);
                    case "US", "SS", "UL", "SL" -> assertThat(v.isIntegralNumber()).as("integer %s", wi).isTrue();
                    case "SV", "UV" -> assertThat(v.isIntegralNumber()
                            || v.isTextual() && Math.abs(Double.parseDouble(v.asText())) > (1L << 53) - 1)
                            .as("integer or big integer string %s", wi).isTrue();
                    case "FL", "FD" -> assertThat(v.isNumber() || v.asText().matches("NaN|-?Infinity"))
                            .as("number %s", wi).isTrue();
                    case "IS", "DS" -> assertThat(v.isNumber() || v.isNull() || v.isTextual() && !isNumeric(v.asText()))
                            .as("number %s", wi).isTrue();
                    default -> assertThat(v.isTextual() || v.isNull()).as("string %s", wi).isTrue();
                }
            }
        }
    }

    private static boolean isNumeric(String s) {
        try {
            new java.math.BigDecimal(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
