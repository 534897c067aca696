package org.huizhen.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Matchers, their parsing from DICOM query values, and the checks a {@link Query} makes (no database). */
class QueryTest {

    static Stream<Arguments> dicomValues() {
        return Stream.of(
                // PS3.4 C.2.2.2.3: zero length and "*" alone are universal
                Arguments.of(QueryKey.PatientName, "", new Match.Universal()),
                Arguments.of(QueryKey.PatientName, null, new Match.Universal()),
                Arguments.of(QueryKey.PatientName, "*", new Match.Universal()),
                Arguments.of(QueryKey.StudyInstanceUID, "*", new Match.Universal()),
                Arguments.of(QueryKey.StudyDate, "-", new Match.Universal()),
                // C.2.2.2.4 wildcards for text and PN; trailing padding removed
                Arguments.of(QueryKey.PatientName, "王*", new Match.Wildcard("王*")),
                Arguments.of(QueryKey.AccessionNumber, "A?1 ", new Match.Wildcard("A?1")),
                Arguments.of(QueryKey.PatientName, "Wang^XiaoDong ", new Match.Exact("Wang^XiaoDong")),
                // C.2.2.2.5 ranges for DA and TM, open on either side
                Arguments.of(QueryKey.StudyDate, "20200101-", Match.Range.from("20200101")),
                Arguments.of(QueryKey.StudyDate, "-20201231", Match.Range.to("20201231")),
                Arguments.of(QueryKey.StudyDate, "20200101-20201231", Match.Range.between("20200101", "20201231")),
                Arguments.of(QueryKey.StudyTime, "0800-1200", Match.Range.between("0800", "1200")),
                Arguments.of(QueryKey.StudyDate, "20200101", new Match.Exact("20200101")),
                // C.2.2.2.2 list of UIDs
                Arguments.of(QueryKey.SOPInstanceUID, "1.2.3\\1.2.4", new Match.UidList(List.of("1.2.3", "1.2.4"))),
                Arguments.of(QueryKey.SOPInstanceUID, "1.2.3", new Match.Exact("1.2.3")),
                // a '-' in a text value is not a range
                Arguments.of(QueryKey.AccessionNumber, "ACC-1", new Match.Exact("ACC-1")),
                Arguments.of(QueryKey.SeriesNumber, "3", new Match.Exact("3")));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("dicomValues")
    void parsesDicomQueryValuesIntoTheMatcherTheStandardImplies(QueryKey key, String value, Match expected) {
        assertThat(Match.parse(key, value)).isEqualTo(expected);
    }

    static Stream<Arguments> illegal() {
        return Stream.of(
                Arguments.of(QueryKey.StudyInstanceUID, new Match.Wildcard("1.2.*")),   // no wildcards on UI
                Arguments.of(QueryKey.AccessionNumber, Match.Range.from("A")),          // ranges only on DA/TM
                Arguments.of(QueryKey.PatientID, new Match.UidList(List.of("P1"))),     // UID lists only on UI
                Arguments.of(QueryKey.SeriesNumber, new Match.Wildcard("1*")),
                Arguments.of(QueryKey.StudyDate, new Match.Exact("20201301")),          // month 13
                Arguments.of(QueryKey.StudyDate, new Match.Exact("2020-01-01")),
                Arguments.of(QueryKey.StudyDate, Match.Range.between("20200101", "2020")),
                Arguments.of(QueryKey.StudyTime, Match.Range.to("2500")),
                Arguments.of(QueryKey.StudyTime, new Match.Exact("093")),
                Arguments.of(QueryKey.InstanceNumber, new Match.Exact("one")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("illegal")
    void rejectsMatchersTheStandardDoesNotAllowOrValuesItCannotParse(QueryKey key, Match match) {
        assertThatThrownBy(() -> Query.of(QueryLevel.STUDY).with(key, match))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("HZ-2110");
    }

    @Test
    void rejectsNegativePagesAndBoundlessRanges() {
        assertThatThrownBy(() -> new Query(QueryLevel.STUDY, Map.of(), Optional.empty(), -1, 0))
                .hasMessageStartingWith("HZ-2110");
        assertThatThrownBy(() -> new Query(QueryLevel.STUDY, Map.of(), Optional.empty(), 0, -5))
                .hasMessageStartingWith("HZ-2110");
        assertThatThrownBy(() -> new Match.Range(Optional.empty(), Optional.empty()))
                .hasMessageStartingWith("HZ-2110");
        assertThatThrownBy(() -> new Match.UidList(List.of())).hasMessageStartingWith("HZ-2110");
    }

    @Test
    void queryIsImmutableAndReportsUniversalForKeysItDoesNotConstrain() {
        Query base = Query.of(QueryLevel.SERIES);
        Query dated = base.with(QueryKey.StudyDate, "20200101-").scopedTo("clinic-1").page(20, 10);

        assertThat(base.keys()).isEmpty();
        assertThat(dated.match(QueryKey.StudyDate)).isEqualTo(Match.Range.from("20200101"));
        assertThat(dated.match(QueryKey.Modality)).isEqualTo(new Match.Universal());
        assertThat(dated.institutionId()).contains("clinic-1");
        assertThat(dated.offset()).isEqualTo(20);
        assertThat(dated.limit()).isEqualTo(10);
        assertThatThrownBy(() -> dated.keys().put(QueryKey.Modality, new Match.Exact("CT")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "TM {0} spans {1} .. {2}")
    @CsvSource({
            "09, 09:00, 09:59:59.999999",
            "0930, 09:30, 09:30:59.999999",
            "093015, 09:30:15, 09:30:15.999999",
            "093015.5, 09:30:15.5, 09:30:15.599999",
            "093015.123456, 09:30:15.123456, 09:30:15.123456",
            "09:30:15, 09:30:15, 09:30:15.999999"     // the ACR-NEMA form with colons
    })
    void timeValuesNameTheWholeSpanOfTheirPrecision(String tm, LocalTime from, LocalTime to) {
        // PS3.5 6.2 TM: lower precision leaves the finer parts open.
        assertThat(QueryValues.timeFrom(tm)).isEqualTo(from);
        assertThat(QueryValues.timeTo(tm)).isEqualTo(to);
    }

    @Test
    void dateValuesInBothForms() {
        assertThat(QueryValues.date("20240229")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(QueryValues.date("2024.02.29")).isEqualTo(LocalDate.of(2024, 2, 29)); // ACR-NEMA
        assertThatThrownBy(() -> QueryValues.date("20230229")).hasMessageStartingWith("HZ-2110");
    }

    @Test
    void keysKnowTheirTagLevelAndKind() {
        assertThat(QueryKey.valueOf("PatientName").tag()).isEqualTo(0x00100010);
        assertThat(QueryKey.ModalitiesInStudy.level()).isEqualTo(QueryLevel.STUDY);
        assertThat(QueryKey.SOPClassUID.kind()).isEqualTo(QueryKey.ValueKind.UID);
        assertThat(QueryLevel.SERIES.isBelow(QueryLevel.STUDY)).isTrue();
        assertThat(QueryLevel.PATIENT.isBelow(QueryLevel.STUDY)).isFalse();
    }
}
