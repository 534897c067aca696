package org.huizhen.dicom.data.charset;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

import org.huizhen.dicom.data.PersonName;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real and crafted Part 10 files with non-ASCII names: the hub's decoding of the raw value
 * bytes must agree with what DCMTK's {@code dcmdump --convert-to-utf8} prints (or, where this
 * DCMTK's iconv cannot convert ISO 2022 IR 87, with glibc's {@code iconv -f ISO-2022-JP}),
 * and encoding the decoded text must give the file's bytes back.
 */
class CharsetFilesInteropTest {

    private static final int SPECIFIC_CHARACTER_SET = 0x00080005;

    private static Path sharedFile(String name) {
        String dir = System.getProperty("hz.shared.testdata");
        assertThat(dir).as("system property hz.shared.testdata (set by surefire)").isNotNull();
        Path p = Path.of(dir, "dicom", name);
        assertThat(p).exists();
        return p;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(CharsetFilesInteropTest.class.getResource("/charset/" + name),
                "test resource /charset/" + name).toURI());
    }

    private static SpecificCharacterSet charsetOf(Map<Integer, byte[]> elements) {
        byte[] raw = elements.get(SPECIFIC_CHARACTER_SET);
        return raw == null ? SpecificCharacterSet.DEFAULT
                : SpecificCharacterSet.valueOf(new String(raw, StandardCharsets.US_ASCII));
    }

    private static int tag(String dcmdumpTag) {
        return Integer.parseInt(dcmdumpTag.substring(1, 5) + dcmdumpTag.substring(6, 10), 16);
    }

    /** Trailing SPACE padding (PS3.5 6.2) is not part of the value. */
    private static byte[] unpadded(byte[] value) {
        int n = value.length;
        while (n > 0 && value[n - 1] == ' ') {
            n--;
        }
        return java.util.Arrays.copyOf(value, n);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # shared files (MANIFEST.md): UTF-8 and GB18030 Chinese from Clunie's SCSX1/SCSX2
            shared  | chrX1.dcm                | (0010,0010) | PN
            shared  | chrX2.dcm                | (0010,0010) | PN
            # crafted by src/test/resources/charset/make-charset-files.sh
            crafted | ISO2022_IR58_GB2312.dcm  | (0010,0010) | PN
            crafted | ISO2022_IR58_GB2312.dcm  | (0008,0090) | PN
            crafted | ISO2022_IR58_GB2312.dcm  | (0008,0080) | LO
            crafted | ISO2022_IR58_GB2312.dcm  | (0008,1030) | LO
            crafted | GBK.dcm                  | (0010,0010) | PN
            crafted | GBK.dcm                  | (0010,1001) | PN
            crafted | GBK.dcm                  | (0008,0090) | PN
            crafted | GBK.dcm                  | (0008,0080) | LO
            crafted | GBK.dcm                  | (0008,1030) | LO
            """)
    void decodesLikeDcmdumpConvertsToUtf8(String where, String file, String tag, String vr) throws Exception {
        Path path = where.equals("shared") ? sharedFile(file) : resource(file);
        Map<Integer, byte[]> elements = ExplicitVrLeScan.elements(path);
        byte[] raw = unpadded(elements.get(tag(tag)));
        SpecificCharacterSet cs = charsetOf(elements);
        boolean pn = vr.equals("PN");

        ExternalTools.Result dump = ExternalTools.run(null, "dcmdump", "--convert-to-utf8", "+L", "+P", tag.substring(1, 10),
                path.toString());
        assertThat(dump.exitCode()).as("dcmdump exit code; stderr: %s", dump.stderr()).isZero();
        String dcmtk = new String(ExternalTools.dcmdumpValue(dump.stdout(), tag), StandardCharsets.UTF_8);

        String ours = cs.decode(raw, pn);
        assertThat(ours).isEqualTo(dcmtk);
        assertThat(ours).doesNotContain("\uFFFD");
        // Written back in the same character set, the text gives the file's bytes again.
        assertThat(cs.encode(ours, pn)).containsExactly(raw);
    }

    @Test
    void japaneseSharedFileDecodesLikeGlibcIso2022Jp() throws Exception {
        // chrH31.dcm is PS3.5 H.3.1 (Clunie SCSH31): \ISO 2022 IR 87, JIS X 0208 in G0 between
        // ESC $ B and ESC ( B — the same escapes ISO-2022-JP uses, so glibc iconv is an
        // independent decoder for it. (This DCMTK's iconv backend refuses ISO 2022 IR 87.)
        Path path = sharedFile("chrH31.dcm");
        Map<Integer, byte[]> elements = ExplicitVrLeScan.elements(path);
        byte[] raw = unpadded(elements.get(0x00100010));
        SpecificCharacterSet cs = charsetOf(elements);
        assertThat(cs.definedTerms()).containsExactly("", "ISO 2022 IR 87");

        // dcmdump (without conversion) prints the same raw bytes the scan found.
        ExternalTools.Result dump = ExternalTools.run(null, "dcmdump", "+L", "+P", "0010,0010", path.toString());
        assertThat(dump.exitCode()).isZero();
        assertThat(unpadded(ExternalTools.dcmdumpValue(dump.stdout(), "(0010,0010)"))).containsExactly(raw);

        ExternalTools.Result iconv = ExternalTools.run(raw, "iconv", "-f", "ISO-2022-JP", "-t", "UTF-8");
        assertThat(iconv.exitCode()).as("iconv stderr: %s", iconv.stderr()).isZero();
        String glibc = new String(iconv.stdout(), StandardCharsets.UTF_8);

        String ours = cs.decode(raw, true);
        assertThat(ours).isEqualTo(glibc);
        assertThat(cs.encode(ours, true)).containsExactly(raw);
        assertThat(PersonName.parse(ours).formatted()).isEqualTo(PersonName.parse(glibc).formatted());
    }

    @Test
    void craftedJapaneseKatakanaFileIsReadByDcmdumpAndRoundTrips() throws Exception {
        // ISO 2022 IR 13\ISO 2022 IR 87: katakana in G1 cannot be converted by glibc's
        // ISO-2022-JP nor by this DCMTK, so the check is: dcmdump parses the file and shows
        // the bytes we scanned, our text is PS3.5 H.3.2's, and encoding gives the bytes back.
        Path path = resource("ISO2022_IR13_IR87_JIS.dcm");
        Map<Integer, byte[]> elements = ExplicitVrLeScan.elements(path);
        byte[] raw = unpadded(elements.get(0x00100010));
        SpecificCharacterSet cs = charsetOf(elements);

        ExternalTools.Result dump = ExternalTools.run(null, "dcmdump", "+L", "+P", "0010,0010", path.toString());
        assertThat(dump.exitCode()).as("dcmdump stderr: %s", dump.stderr()).isZero();
        assertThat(unpadded(ExternalTools.dcmdumpValue(dump.stdout(), "(0010,0010)"))).containsExactly(raw);

        String ours = cs.decode(raw, true);
        assertThat(ours).isEqualTo("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう");
        assertThat(cs.encode(ours, true)).containsExactly(raw);
    }

    @Test
    void craftedFilesAreCompletePart10FilesDcmdumpReadsWithoutErrors() throws Exception {
        for (String name : new String[] {"ISO2022_IR58_GB2312.dcm", "GBK.dcm", "ISO2022_IR13_IR87_JIS.dcm"}) {
            Path path = resource(name);
            ExternalTools.Result dump = ExternalTools.run(null, "dcmdump", "-M", "+L", path.toString());
            assertThat(dump.exitCode()).as(name).isZero();
            assertThat(dump.stderr()).as(name).doesNotContain("E:").doesNotContain("W:");
            String text = new String(dump.stdout(), StandardCharsets.ISO_8859_1);
            assertThat(text).as(name)
                    .contains("(0002,0010) UI =LittleEndianExplicit")
                    .contains("(0008,0016) UI =SecondaryCaptureImageStorage")
                    .contains("(7fe0,0010) OB");
            assertThat(Files.size(path)).isLessThan(4096);
        }
    }
}
