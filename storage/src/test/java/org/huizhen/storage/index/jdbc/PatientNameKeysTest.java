package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.huizhen.storage.index.PatientName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Search keys of patient names and the LIKE translation of DICOM wildcards (no database). */
class PatientNameKeysTest {

    @Test
    void nameWithGroupsHasKeysForTheWholeNameAndEachGroup() {
        PatientName name = new PatientName("Wang^XiaoDong=王^小东=", "Wang^XiaoDong", "王^小东", null);

        assertThat(PatientNameKeys.of(name)).containsOnly(
                entry("T", "WANG^XIAODONG=王^小东"),  // trailing empty group dropped
                entry("A", "WANG^XIAODONG"),
                entry("B", "WANGXIAODONG"),
                entry("I", "王^小东"),
                entry("C", "王小东"));
    }

    @Test
    void groupsAreReadFromTheTextWhenNotGivenSeparately() {
        assertThat(PatientNameKeys.of(PatientName.of("Zhang^San^^^=张^三=zhang^san")))
                .containsEntry("A", "ZHANG^SAN")       // trailing empty components dropped
                .containsEntry("I", "张^三")
                .containsEntry("C", "张三")
                .containsEntry("P", "ZHANG^SAN");
    }

    @Test
    void emptyAndAbsentNamesHaveNoKeys() {
        assertThat(PatientNameKeys.of(null)).isEmpty();
        assertThat(PatientNameKeys.of(PatientName.of(""))).isEmpty();
        assertThat(PatientNameKeys.of(PatientName.of("^^="))).isEmpty();
    }

    @Test
    void overlongKeysAreCutToTheColumnWidth() {
        String longName = "A".repeat(PatientNameKeys.MAX_KEY + 50);
        assertThat(PatientNameKeys.of(PatientName.of(longName)).get("T")).hasSize(PatientNameKeys.MAX_KEY);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "WANG*|WANG%",
            "?ANG|_ANG",
            "100%*|100\\%%",              // % is a literal character in DICOM
            "A_B*|A\\_B%",                // so is _
            "C:\\DIR*|C:\\\\DIR%"          // and the escape character itself
    })
    void dicomWildcardsBecomeLikePatternsWithLiteralsEscaped(String dicom, String like) {
        assertThat(QuerySql.like(dicom)).isEqualTo(like);
    }

    @Test
    void literalValuesAreEscapedForLike() {
        assertThat(QuerySql.escapeLike("50%_off*")).isEqualTo("50\\%\\_off*");
    }
}
