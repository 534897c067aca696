package org.huizhen.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecificCharacterSetTest {

    /** Bytes written as the standard's examples list them, in hex, space separated. */
    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The worked examples of PS3.5 Annexes H, I, J and K: the value of (0008,0005), whether
     * the value is a PN, the bytes as printed in the standard (column/row notation converted
     * to hex) and the text the standard says they represent.
     */
    static Stream<Arguments> standardExamples() {
        return Stream.of(
                // PS3.5 H.3.1: Japanese, JIS X 0208 in G0, switched back with ESC ( B.
                Arguments.of("H.3.1", new String[] {"", "ISO 2022 IR 87"}, true,
                        hex("59 61 6D 61 64 61 5E 54 61 72 6F 75 3D 1B 24 42 3B 33 45 44 1B 28 42 5E 1B 24 42 42 40"
                                + " 4F 3A 1B 28 42 3D 1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24"
                                + " 26 1B 28 42"),
                        "Yamada^Tarou=山田^太郎=やまだ^たろう"),
                // PS3.5 H.3.2: JIS X 0201 katakana in G1 and romaji in G0 (ESC ( J) as initial sets.
                Arguments.of("H.3.2", new String[] {"ISO 2022 IR 13", "ISO 2022 IR 87"}, true,
                        hex("D4 CF C0 DE 5E C0 DB B3 3D 1B 24 42 3B 33 45 44 1B 28 4A 5E 1B 24 42 42 40 4F 3A 1B"
                                + " 28 4A 3D 1B 24 42 24 64 24 5E 24 40 1B 28 4A 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 4A"),
                        "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
                // PS3.5 I.2 example 1: Korean PN, KS X 1001 designated to G1 in every component.
                Arguments.of("I.2 PN", new String[] {"", "ISO 2022 IR 149"}, true,
                        hex("48 6F 6E 67 5E 47 69 6C 64 6F 6E 67 3D 1B 24 29 43 FB F3 5E 1B 24 29 43 D1 CE D4 D7 3D"
                                + " 1B 24 29 43 C8 AB 5E 1B 24 29 43 B1 E6 B5 BF"),
                        "Hong^Gildong=洪^吉洞=홍^길동"),
                // PS3.5 I.2 example 2: Korean LT, the designation at the start of each line using Hangul.
                Arguments.of("I.2 LT", new String[] {"", "ISO 2022 IR 149"}, false,
                        hex("1B 24 29 43 54 68 65 20 31 73 74 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65 73 20 B1 E6 B5"
                                + " BF 2E 0D 0A 1B 24 29 43 54 68 65 20 32 6E 64 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65"
                                + " 73 20 B1 E6 B5 BF 2C 20 74 6F 6F 2E 0D 0A 54 68 65 20 33 72 64 20 6C 69 6E 65 2E"),
                        "The 1st line includes 길동.\r\nThe 2nd line includes 길동, too.\r\nThe 3rd line."),
                // PS3.5 J.1: UTF-8 PN (traditional 東).
                Arguments.of("J.1", new String[] {"ISO_IR 192"}, true,
                        hex("57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D E7 8E 8B 5E E5 B0 8F E6 9D B1 3D"),
                        "Wang^XiaoDong=王^小東="),
                // PS3.5 J.2: UTF-8 LT.
                Arguments.of("J.2", new String[] {"ISO_IR 192"}, false,
                        hex("54 68 65 20 66 69 72 73 74 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65 73 E4 B8 AD E6 96 87"
                                + " 2E 0D 0A 54 68 65 20 73 65 63 6F 6E 64 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65 73 E4"
                                + " B8 AD E6 96 87 2C 20 74 6F 6F 2E 0D 0A 54 68 65 20 74 68 69 72 64 20 6C 69 6E 65 2E"
                                + " 0D 0A"),
                        "The first line includes中文.\r\nThe second line includes中文, too.\r\nThe third line.\r\n"),
                // PS3.5 J.3 (K.1 in editions before CP-1234): GB18030 PN.
                Arguments.of("J.3", new String[] {"GB18030"}, true,
                        hex("57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D CD F5 5E D0 A1 B6 AB 3D"),
                        "Wang^XiaoDong=王^小东="),
                // PS3.5 J.4: GB18030 LT.
                Arguments.of("J.4", new String[] {"GB18030"}, false,
                        hex("54 68 65 20 66 69 72 73 74 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65 73 D6 D0 CE C4 2E 0D"
                                + " 0A 54 68 65 20 73 65 63 6F 6E 64 20 6C 69 6E 65 20 69 6E 63 6C 75 64 65 73 D6 D0 CE"
                                + " C4 2C 20 74 6F 6F 2E 0D 0A 54 68 65 20 74 68 69 72 64 20 6C 69 6E 65 2E 0D 0A"),
                        "The first line includes中文.\r\nThe second line includes中文, too.\r\nThe third line.\r\n"),
                // PS3.5 K.2: GB 2312 via ISO 2022 IR 58, designated again after each '^' and '='.
                Arguments.of("K.2", new String[] {"", "ISO 2022 IR 58"}, true,
                        hex("5A 68 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 D5 C5 5E 1B 24 29 41 D0 A1 B6"
                                + " AB 3D"),
                        "Zhang^XiaoDong=张^小东="),
                // PS3.5 K.3: GB 2312 LT, designated just before the first Hanzi of each line.
                Arguments.of("K.3", new String[] {"", "ISO 2022 IR 58"}, false,
                        hex("31 2E 1B 24 29 41 B5 DA D2 BB D0 D0 CE C4 D7 D6 A1 A3 0D 0A 32 2E 1B 24 29 41 B5 DA B6"
                                + " FE D0 D0 CE C4 D7 D6 A1 A3 0D 0A 33 2E 1B 24 29 41 B5 DA C8 FD D0 D0 CE C4 D7 D6 A1"
                                + " A3 0D 0A"),
                        "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n"));
    }

    @ParameterizedTest(name = "PS3.5 {0}")
    @MethodSource("standardExamples")
    void decodesTheStandardsExamples(String example, String[] terms, boolean pn, byte[] bytes, String text) {
        assertThat(SpecificCharacterSet.valueOf(terms).decode(bytes, pn)).isEqualTo(text);
    }

    @ParameterizedTest(name = "PS3.5 {0}")
    @MethodSource("standardExamples")
    void encodesTheStandardsExamplesToTheStandardsBytes(String example, String[] terms, boolean pn, byte[] bytes,
            String text) {
        assertThat(SpecificCharacterSet.valueOf(terms).encode(text, pn)).containsExactly(bytes);
    }

    @ParameterizedTest(name = "PS3.5 {0}")
    @MethodSource("standardExamples")
    void paddingSpaceDecodesAsATrailingSpace(String example, String[] terms, boolean pn, byte[] bytes, String text) {
        // PS3.5 6.2: values are padded to even length with SPACE; the pad stays for the caller to trim,
        // and after a reset point it is a plain ASCII space in every set.
        byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        padded[bytes.length] = ' ';
        assertThat(SpecificCharacterSet.valueOf(terms).decode(padded, pn)).isEqualTo(text + " ");
    }

    /** Single-byte sets of table C.12-2, checked against the JDK's own ISO 8859 charsets. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ISO_IR 100 | ISO-8859-1    | Äneas^Rüdiger
            ISO_IR 101 | ISO-8859-2    | Dvořák^Antonín
            ISO_IR 109 | ISO-8859-3    | Ĝis^Ŝanĝo
            ISO_IR 110 | ISO-8859-4    | Ābols^Ģirts
            ISO_IR 144 | ISO-8859-5    | Люксембург
            ISO_IR 127 | ISO-8859-6    | قباني^لنزار
            ISO_IR 126 | ISO-8859-7    | Διονυσιος
            ISO_IR 138 | ISO-8859-8    | שרון^דבורה
            ISO_IR 148 | ISO-8859-9    | Çavuşoğlu^Ayşe
            ISO_IR 203 | ISO-8859-15   | Œuvre^€
            ISO_IR 166 | x-iso-8859-11 | ธนาคาร^สมชาย
            """)
    void singleByteSetsAgreeWithTheJdkCharset(String term, String javaName, String text) {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf(term);
        byte[] expected = text.getBytes(Charset.forName(javaName));
        assertThat(cs.encode(text, true)).containsExactly(expected);
        assertThat(cs.decode(expected, true)).isEqualTo(text);
        assertThat(cs.canEncode(text)).isTrue();
    }

    @Test
    void isoIr13DecodesKatakanaAsHalfWidthForms() {
        // JIS X 0201: 0xB1 is katakana A, U+FF71 in Unicode; G0 is romaji (ASCII letters).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 13");
        assertThat(cs.decode(new byte[] {'Y', (byte) 0xB1, (byte) 0xDF}, false)).isEqualTo("Yｱﾟ");
        assertThat(cs.encode("Yｱﾟ", false)).containsExactly('Y', 0xB1, 0xDF);
    }

    @Test
    void defaultRepertoireReplacesBytesAboveAscii() {
        assertThat(SpecificCharacterSet.DEFAULT.decode(new byte[] {'A', (byte) 0xC4}, false)).isEqualTo("A\uFFFD");
        assertThat(SpecificCharacterSet.DEFAULT.encode("Ä", false)).containsExactly('?');
        assertThat(SpecificCharacterSet.DEFAULT.canEncode("Ä")).isFalse();
        assertThat(SpecificCharacterSet.valueOf()).isSameAs(SpecificCharacterSet.DEFAULT);
        assertThat(SpecificCharacterSet.valueOf("")).isSameAs(SpecificCharacterSet.DEFAULT);
    }

    @Test
    void rejectsAnUnknownDefinedTermNamingIt() {
        assertThatThrownBy(() -> SpecificCharacterSet.valueOf("", "ISO 2022 IR 999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO 2022 IR 999");
    }

    @Test
    void splitsARawMultiValuedTermAndTrimsPadding() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("\\ISO 2022 IR 58 ");
        assertThat(cs.definedTerms()).containsExactly("", "ISO 2022 IR 58");
        assertThat(cs.usesCodeExtensions()).isTrue();
        assertThat(cs.toString()).isEqualTo("\\ISO 2022 IR 58");
        assertThat(cs).isEqualTo(SpecificCharacterSet.valueOf("", "ISO 2022 IR 58"));
    }

    @Test
    void multiByteSetsWithoutExtensionsExposeTheirJavaCharset() {
        assertThat(SpecificCharacterSet.valueOf("GB18030").javaCharset()).contains(Charset.forName("GB18030"));
        assertThat(SpecificCharacterSet.valueOf("GBK").usesCodeExtensions()).isFalse();
        assertThat(SpecificCharacterSet.valueOf("", "ISO 2022 IR 87").javaCharset()).isEmpty();
    }

    @Test
    void gbkKeepsATrailByteThatLooksLikeABackslash() {
        // 乗 is 81 5C in GBK: the second byte is 0x5C, which is why callers split after decoding.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("GBK");
        byte[] bytes = cs.encode("乗\\王", false);
        assertThat(bytes).containsExactly(0x81, 0x5C, 0x5C, 0xCD, 0xF5);
        assertThat(cs.decode(bytes, false).split("\\\\")).containsExactly("乗", "王");
    }

    @Test
    void decoderReturnsToTheInitialSetsAtLineEndsWithoutAnEscape() {
        // PS3.5 6.1.2.5.3: CR/LF make value 1's set active; "abc" after LF is ASCII even though
        // the sender did not write ESC ( B (bytes 21 21 would be a JIS X 0208 symbol otherwise).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        byte[] bytes = hex("1B 24 42 3B 33 0D 0A 21 21");
        assertThat(cs.decode(bytes, false)).isEqualTo("山\r\n!!");
    }

    @Test
    void readsHighBytesInTheDeclaredG1SetWhenTheSenderLeftOutTheDesignation() {
        // PS3.5 K.2 wants ESC $ ) A after every '^' and '='; many writers designate once per
        // value or never. GR bytes with no G1 designated can only mean the declared G1 set.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        assertThat(cs.decode(hex("5A 68 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 D5 C5 5E D0 A1 B6 AB 3D"), true))
                .isEqualTo("Zhang^XiaoDong=张^小东=");
        assertThat(cs.decode(hex("D5 C5 5C D0 A1 B6 AB"), false)).isEqualTo("张\\小东");
        // The encoder still writes the designation the standard asks for in each value.
        assertThat(cs.encode("张\\小东", false)).containsExactly(hex("1B 24 29 41 D5 C5 5C 1B 24 29 41 D0 A1 B6 AB"));
    }

    @Test
    void highBytesWithNoG1SetDeclaredAreReplaced() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertThat(cs.decode(hex("41 D5 C5 42"), false)).isEqualTo("A\uFFFD\uFFFDB");
    }

    @Test
    void caretAndEqualsResetOnlyInPersonNames() {
        // Latin-1 in G1 initially; ESC - L puts Cyrillic there. In a PN the '^' brings Latin-1
        // back (B8 = CEDILLA), in any other VR Cyrillic stays (B8 = CYRILLIC CAPITAL I).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 100", "ISO 2022 IR 144");
        byte[] bytes = hex("1B 2D 4C B8 5E B8 3D B8");
        assertThat(cs.decode(bytes, true)).isEqualTo("И^¸=¸");
        assertThat(cs.decode(bytes, false)).isEqualTo("И^И=И");
    }

    @Test
    void romajiG0KeepsTheValueDelimiterAndMapsOverline() {
        // JIS X 0201 Roman: 0x7E is OVERLINE; 0x5C (YEN SIGN there) stays the DICOM value
        // delimiter so that callers can split on '\\'.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO_IR 13");
        assertThat(cs.decode(hex("41 7E 5C 42"), false)).isEqualTo("A\u203E\\B");
        assertThat(cs.encode("A\u203E\\B", false)).containsExactly(hex("41 7E 5C 42"));
    }

    @Test
    void caretInsideAKanjiIsNotADelimiter() {
        // In JIS X 0208 mode 24 5E is the hiragana MA, not '$' and '^' (PS3.5 H.3.1).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertThat(cs.decode(hex("1B 24 42 24 5E 1B 28 42"), true)).isEqualTo("ま");
    }

    @Test
    void multiValueEncodingResetsBeforeEachBackslash() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        byte[] bytes = cs.encode("张\\小东", false);
        // Each value is designated on its own: ESC $ ) A, D5 C5, '\', ESC $ ) A, D0 A1 B6 AB.
        assertThat(bytes).containsExactly(hex("1B 24 29 41 D5 C5 5C 1B 24 29 41 D0 A1 B6 AB"));
        assertThat(cs.decode(bytes, false)).isEqualTo("张\\小东");
    }

    @Test
    void mixedChineseAndLatinStaysInOneDesignationWithinAComponent() {
        // G1 holds GB 2312, G0 ASCII: "CT" needs no escape between the Hanzi.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        byte[] bytes = cs.encode("胸部CT平扫", false);
        byte[] gb = "胸部CT平扫".getBytes(Charset.forName("GB2312"));
        byte[] expected = new byte[gb.length + 4];
        System.arraycopy(hex("1B 24 29 41"), 0, expected, 0, 4);
        System.arraycopy(gb, 0, expected, 4, gb.length);
        assertThat(bytes).containsExactly(expected);
        assertThat(cs.decode(bytes, false)).isEqualTo("胸部CT平扫");
    }

    @Test
    void encoderSwitchesBetweenTwoSingleByteG1SetsAndRestoresTheFirstAtTheEnd() {
        // Value 1 puts Latin-1 in G1; Cyrillic needs ESC - L; PS3.5 6.1.2.5.3 wants Latin-1
        // active again before the delimiter and before the end of the value (ESC - A).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("ISO 2022 IR 100", "ISO 2022 IR 144");
        byte[] bytes = cs.encode("Müller^Иван", true);
        assertThat(bytes).containsExactly(hex("4D FC 6C 6C 65 72 5E 1B 2D 4C B8 D2 D0 DD 1B 2D 41"));
        assertThat(cs.decode(bytes, true)).isEqualTo("Müller^Иван");
    }

    @Test
    void jisX0212CharactersUseTheirOwnDesignation() {
        // 丂 is not in JIS X 0208 but is in JIS X 0212 (row 0x30, cell 0x21).
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87", "ISO 2022 IR 159");
        byte[] bytes = cs.encode("山丂", false);
        assertThat(bytes).containsExactly(hex("1B 24 42 3B 33 1B 24 28 44 30 21 1B 28 42"));
        assertThat(cs.decode(bytes, false)).isEqualTo("山丂");
    }

    @Test
    void encoderWritesAQuestionMarkForCharactersNoDeclaredSetHolds() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        assertThat(cs.canEncode("山한")).isFalse();
        // After 山 in JIS X 0208 the '?' needs ASCII back in G0.
        assertThat(cs.encode("山한", false)).containsExactly(hex("1B 24 42 3B 33 1B 28 42 3F"));
    }

    @Test
    void unknownAndTruncatedEscapesBecomeReplacementCharacters() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87");
        // ESC % G (UTF-8 "other coding system") is not a DICOM designation.
        assertThat(cs.decode(hex("61 1B 25 47 62"), false)).isEqualTo("a\uFFFDb");
        // A value ending inside an escape sequence.
        assertThat(cs.decode(hex("61 1B 24"), false)).isEqualTo("a\uFFFD");
        // ESC followed by a control character: the control is kept and resets.
        assertThat(cs.decode(hex("61 1B 0A 62"), false)).isEqualTo("a\uFFFD\nb");
        // A lone first byte of a two-byte character at the end.
        assertThat(cs.decode(hex("1B 24 42 3B"), false)).isEqualTo("\uFFFD");
    }

    static Stream<Arguments> everyCharacterSet() {
        return Stream.<String[]>of(
                new String[] {""}, new String[] {"ISO_IR 6"}, new String[] {"ISO_IR 100"}, new String[] {"ISO_IR 101"},
                new String[] {"ISO_IR 109"}, new String[] {"ISO_IR 110"}, new String[] {"ISO_IR 144"},
                new String[] {"ISO_IR 127"}, new String[] {"ISO_IR 126"}, new String[] {"ISO_IR 138"},
                new String[] {"ISO_IR 148"}, new String[] {"ISO_IR 203"}, new String[] {"ISO_IR 13"},
                new String[] {"ISO_IR 166"}, new String[] {"ISO_IR 192"}, new String[] {"GB18030"},
                new String[] {"GBK"}, new String[] {"ISO 2022 IR 6"}, new String[] {"ISO 2022 IR 100"},
                new String[] {"", "ISO 2022 IR 87"}, new String[] {"ISO 2022 IR 13", "ISO 2022 IR 87"},
                new String[] {"", "ISO 2022 IR 87", "ISO 2022 IR 159"}, new String[] {"", "ISO 2022 IR 149"},
                new String[] {"", "ISO 2022 IR 58"}, new String[] {"ISO 2022 IR 100", "ISO 2022 IR 144",
                    "ISO 2022 IR 126", "ISO 2022 IR 203", "ISO 2022 IR 166"})
                .map(terms -> Arguments.of((Object) terms));
    }

    @ParameterizedTest
    @MethodSource("everyCharacterSet")
    void randomBytesDecodeWithoutExceptionInBoundedTime(String[] terms) {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf(terms);
        SplittableRandom random = new SplittableRandom(terms.length * 31L + String.join("", terms).hashCode());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int round = 0; round < 1_000; round++) {
                byte[] bytes = new byte[random.nextInt(0, 300)];
                for (int i = 0; i < bytes.length; i++) {
                    // Skew towards ESC and the bytes escape sequences are made of.
                    int pick = random.nextInt(8);
                    bytes[i] = pick == 0 ? 0x1B : pick == 1 ? (byte) "$()-ABCDJI^=\\\r".charAt(random.nextInt(14))
                            : (byte) random.nextInt(256);
                }
                for (boolean pn : new boolean[] {false, true}) {
                    String text = cs.decode(bytes, pn);
                    // Every output char comes from at least one input byte.
                    assertThat(text.length()).isLessThanOrEqualTo(bytes.length);
                    // Whatever was decoded can be written again and reads back the same.
                    String again = cs.decode(cs.encode(text.replace('\uFFFD', '?'), pn), pn);
                    if (cs.canEncode(text.replace('\uFFFD', '?'))) {
                        assertThat(again).isEqualTo(text.replace('\uFFFD', '?'));
                    }
                }
            }
        });
    }

    @Test
    void hostileLongValuesDecodeInLinearTime() {
        // 4 MiB each: endless escapes, an escape with endless intermediate bytes, endless lead bytes.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 87", "ISO 2022 IR 58");
        int n = 4 << 20;
        byte[] escapes = new byte[n];
        byte[] intermediates = new byte[n];
        byte[] leads = new byte[n];
        for (int i = 0; i < n; i++) {
            escapes[i] = (byte) (i % 2 == 0 ? 0x1B : 0x24);
            intermediates[i] = (byte) (i == 0 ? 0x1B : 0x28);
            leads[i] = (byte) (i < 3 ? "\u001B$B".charAt(i) : 0x7E);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // each ESC $ pair is one unknown escape sequence
            assertThat(cs.decode(escapes, true)).hasSize(n / 2);
            assertThat(cs.decode(intermediates, true)).isEqualTo("\uFFFD");
            assertThat(cs.decode(leads, true)).hasSizeLessThanOrEqualTo(n / 2);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ISO 2022 IR 58", "ISO 2022 IR 149", "ISO 2022 IR 87"})
    void emptyAndNullValuesAreEmpty(String term) {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", term);
        assertThat(cs.decode(new byte[0], true)).isEmpty();
        assertThat(cs.decode(null, true)).isEmpty();
        assertThat(cs.encode("", true)).isEmpty();
        assertThat(cs.encode(null, true)).isEmpty();
    }

    @Test
    void roundTripsEveryGb2312Character() {
        // Every GB 2312 character, written through ISO 2022 IR 58 and read back.
        Charset gb2312 = Charset.forName("GB2312");
        StringBuilder all = new StringBuilder();
        for (int r = 0xA1; r <= 0xF7; r++) {
            for (int c = 0xA1; c <= 0xFE; c++) {
                String s = new String(new byte[] {(byte) r, (byte) c}, gb2312);
                if (s.length() == 1 && s.charAt(0) != '\uFFFD') {
                    all.append(s);
                }
            }
        }
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        assertThat(all.length()).isGreaterThan(7000); // GB 2312 has 7445 characters
        assertThat(cs.canEncode(all.toString())).isTrue();
        assertThat(cs.decode(cs.encode(all.toString(), false), false)).isEqualTo(all.toString());
    }

    @Test
    void encodesNamesForEveryDeclaredRepertoireInOneValue() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58", "ISO 2022 IR 149",
                "ISO 2022 IR 87");
        List<String> names = List.of("Wang^XiaoDong=王^小东=", "Hong^Gildong=洪^吉洞=홍^길동",
                "Yamada^Tarou=山田^太郎=やまだ^たろう");
        for (String name : names) {
            assertThat(cs.decode(cs.encode(name, true), true)).isEqualTo(name);
        }
    }
}
