package org.huizhen.dicom.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.huizhen.dicom.data.PersonName.ComponentGroup;
import org.huizhen.dicom.data.PersonName.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersonNameTest {

    @Test
    void parsesTheThreeComponentGroupsOfAChineseName() {
        // PS3.5 J.3 / K: alphabetic pinyin, ideographic Hanzi, empty phonetic group.
        PersonName name = PersonName.parse("Wang^XiaoDong=王^小东=");
        assertThat(name.alphabetic()).contains(ComponentGroup.of("Wang", "XiaoDong"));
        assertThat(name.ideographic()).contains(ComponentGroup.of("王", "小东"));
        assertThat(name.phonetic()).isEmpty();
        assertThat(name.group(Group.PHONETIC)).isEqualTo(ComponentGroup.EMPTY);
        assertThat(name.ideographic().orElseThrow().family()).isEqualTo("王");
        assertThat(name.alphabetic().orElseThrow().middle()).isEmpty();
    }

    @Test
    void parsesAllFiveComponents() {
        // PS3.5 6.2.1.1 example: family, given, middle, prefix, suffix.
        PersonName name = PersonName.parse("Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        ComponentGroup a = name.alphabetic().orElseThrow();
        assertThat(a.components()).containsExactly("Adams", "John Robert Quincy", "", "Rev.", "B.A. M.Div.");
        assertThat(name.formatted()).isEqualTo("Rev. Adams John Robert Quincy B.A. M.Div.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Wang^XiaoDong=王^小东=              | Wang^XiaoDong=王^小东
            Wang^XiaoDong^^^==                  | Wang^XiaoDong
            =王^小东                            | =王^小东
            ==やまだ^たろう                     | ==やまだ^たろう
            "Yamada^Tarou=山田^太郎=やまだ^たろう" | "Yamada^Tarou=山田^太郎=やまだ^たろう"
            "Zhang^XiaoDong=张^小东=  "         | Zhang^XiaoDong=张^小东
            "^^^^"                              | ""
            """)
    void toStringTrimsTrailingEmptyComponentsAndGroups(String dicom, String expected) {
        assertThat(PersonName.parse(dicom).toString()).isEqualTo(expected);
        // The trimmed form parses to the same name.
        assertThat(PersonName.parse(expected)).isEqualTo(PersonName.parse(dicom));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Wang^XiaoDong=王^小东=    | 王小东
            Yamada^Tarou=山田^太郎=やまだ^たろう | 山田太郎
            Wang^XiaoDong             | Wang XiaoDong
            ==やまだ^たろう           | やまだたろう
            """)
    void formattedPrefersTheIdeographicGroup(String dicom, String shown) {
        assertThat(PersonName.parse(dicom).formatted()).isEqualTo(shown);
    }

    @Test
    void emptyValueIsTheEmptyName() {
        assertThat(PersonName.parse("")).isEqualTo(PersonName.EMPTY);
        assertThat(PersonName.EMPTY.isEmpty()).isTrue();
        assertThat(PersonName.EMPTY.formatted()).isEmpty();
        assertThat(PersonName.EMPTY.alphabetic()).isEmpty();
        assertThat(PersonName.EMPTY.toString()).isEmpty();
    }

    @Test
    void builderMakesTheSameNameAsParsing() {
        PersonName built = PersonName.builder()
                .alphabetic(ComponentGroup.of("Hong", "Gildong"))
                .ideographic(ComponentGroup.of("洪", "吉洞"))
                .phonetic(ComponentGroup.of("홍", "길동"))
                .build();
        assertThat(built).isEqualTo(PersonName.parse("Hong^Gildong=洪^吉洞=홍^길동"));
        assertThat(built.toString()).isEqualTo("Hong^Gildong=洪^吉洞=홍^길동");
        assertThat(built.hashCode()).isEqualTo(PersonName.parse("Hong^Gildong=洪^吉洞=홍^길동").hashCode());
        assertThat(built.toBuilder().phonetic(null).build().toString()).isEqualTo("Hong^Gildong=洪^吉洞");
        assertThat(PersonName.of(ComponentGroup.of("Li", "Na")).toString()).isEqualTo("Li^Na");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A^B", "A=B", "A\\B", "A\rB"})
    void componentsRejectDelimitersAndControls(String bad) {
        assertThatThrownBy(() -> ComponentGroup.of(bad, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad);
    }

    @Test
    void strictParseRejectsTooManyGroupsOrComponentsButLenientParseKeepsTheStandardOnes() {
        assertThatThrownBy(() -> PersonName.parse("A=B=C=D")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 component groups");
        assertThatThrownBy(() -> PersonName.parse("A^B^C^D^E^F")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 components");
        assertThatThrownBy(() -> PersonName.parse("A\\B")).isInstanceOf(IllegalArgumentException.class);
        assertThat(PersonName.parseLenient("A=B=C=D").toString()).isEqualTo("A=B=C");
        assertThat(PersonName.parseLenient("A^B^C^D^E^F").toString()).isEqualTo("A^B^C^D^E");
        assertThat(PersonName.parseLenient("Li\r^Na\\").toString()).isEqualTo("Li^Na");
    }

    @Test
    void parsesEachValueOfAMultiValuedElementAfterDecoding() {
        // GBK: 誠 is D5 5C, so the split on '\\' must come after decoding.
        SpecificCharacterSet gbk = SpecificCharacterSet.valueOf("GBK");
        byte[] bytes = gbk.encode("Chen^Cheng=陳^誠\\Wang^XiaoDong=王^小东", true);
        List<PersonName> names = PersonName.parseValues(gbk.decode(bytes, true));
        assertThat(names).extracting(PersonName::formatted).containsExactly("陳誠", "王小东");
        assertThat(PersonName.parseValues("")).containsExactly(PersonName.EMPTY);
    }

    @Test
    void parsesWhatSpecificCharacterSetDecodes() {
        // PS3.5 K.2 bytes through ISO 2022 IR 58, then into components.
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("", "ISO 2022 IR 58");
        byte[] bytes = SpecificCharacterSetTest.hex(
                "5A 68 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 D5 C5 5E 1B 24 29 41 D0 A1 B6 AB 3D 20");
        PersonName name = PersonName.parse(cs.decode(bytes, true));
        assertThat(name.formatted()).isEqualTo("张小东");
        assertThat(name.alphabetic().orElseThrow().given()).isEqualTo("XiaoDong");
    }
}
