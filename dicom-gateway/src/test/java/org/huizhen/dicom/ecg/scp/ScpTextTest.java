package org.huizhen.dicom.ecg.scp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Text decoding of SCP-ECG sections 1, 8 and 11: declared charsets and the fallbacks for undeclared bytes. */
class ScpTextTest {
    private static final Charset GB = Charset.forName("GB18030");

    static Stream<Arguments> cases() {
        return Stream.of(
                // language code 0x00 = ASCII only: plain ASCII stays as is
                Arguments.of("ASCII", 0x00, "Zhang San".getBytes(StandardCharsets.US_ASCII), "Zhang San"),
                // 0x27 declares GB 2312
                Arguments.of("declared GB 2312", 0x27, "王小明".getBytes(GB), "王小明"),
                // undeclared, but every high byte pairs into a GB 2312 character: what Chinese carts write
                Arguments.of("undeclared GB 2312", 0x00, "李四 ECG".getBytes(GB), "李四 ECG"),
                // undeclared valid UTF-8 is tried before GB 2312
                Arguments.of("undeclared UTF-8", 0x00, "Müller 张".getBytes(StandardCharsets.UTF_8), "Müller 张"),
                // 0xFC followed by 'l' is neither UTF-8 nor a GB 2312 pair: Latin-1, which accepts any byte
                Arguments.of("undeclared Latin-1", 0x00, "Müller".getBytes(StandardCharsets.ISO_8859_1), "Müller"),
                // 0x01 declares ISO-8859-1 even where the bytes would also pair as GB 2312
                Arguments.of("declared Latin-1", 0x01, new byte[] {(byte) 0xC4, (byte) 0xE9}, "Äé"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTextInTheDeclaredOrDetectedCharset(String what, int languageCode, byte[] text, String expected) {
        byte[] nulTerminated = new byte[text.length + 3];
        System.arraycopy(text, 0, nulTerminated, 0, text.length);
        nulTerminated[text.length + 1] = 'x'; // after the NUL: must not be read
        assertThat(ScpText.decode(nulTerminated, 0, nulTerminated.length, ScpText.declared(languageCode)))
                .isEqualTo(expected);
    }
}
