package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How WADO-RS reads the Accept header's transfer syntax (PS3.18 8.7.3.5), decides between
 * "as stored", a native conversion and 406, and parses frame lists (PS3.18 10.4.1.1.4).
 */
class WadoNegotiationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // no Accept, wildcards, transfer-syntax=* and no transfer-syntax all mean "as stored"
            "NULL|NULL",
            "*/*|NULL",
            "multipart/*|NULL",
            "multipart/related; type=\"application/dicom\"|NULL",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*|NULL",
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2|1.2.840.10008.1.2",
            // the highest q wins
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2;q=0.5, "
                    + "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1|1.2.840.10008.1.2.1",
            // a range that cannot be served is skipped
            "image/jpeg, multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2|1.2.840.10008.1.2"})
    void readsTheWantedTransferSyntaxFromAccept(String accept, String expected) {
        assertThat(WadoRoutes.requestedTransferSyntax(accept)).isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/jpeg", "application/dicom+json", "multipart/related; type=\"image/jpeg\""})
    void refusesAcceptWithoutMultipartDicom(String accept) {
        assertThatThrownBy(() -> WadoRoutes.requestedTransferSyntax(accept)).isInstanceOfSatisfying(WadoProblem.class,
                p -> {
                    assertThat(p.status()).isEqualTo(406);
                    assertThat(p.code()).isEqualTo("HZ-5403");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // stored | wanted | converted to (NULL = sent as stored)
            "1.2.840.10008.1.2.4.50|NULL|NULL",
            "1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.4.50|NULL",
            "1.2.840.10008.1.2.1|1.2.840.10008.1.2|1.2.840.10008.1.2",
            "1.2.840.10008.1.2|1.2.840.10008.1.2.1|1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.2|1.2.840.10008.1.2.1|1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.1.99|1.2.840.10008.1.2|1.2.840.10008.1.2"})
    void convertsOnlyBetweenNativeSyntaxes(String stored, String wanted, String expected) {
        assertThat(WadoRoutes.conversion(stored, Optional.ofNullable(wanted), "x").map(ts -> ts.uid()))
                .isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.2.840.10008.1.2.4.50|1.2.840.10008.1.2.1",   // would need a JPEG decoder
            "1.2.840.10008.1.2.1|1.2.840.10008.1.2.4.50",   // would need a JPEG encoder
            "1.2.840.10008.1.2.1|1.2.840.10008.1.2.2",      // Big Endian is not produced
            "1.2.840.10008.1.2.1|1.2.3.4"})                 // not a transfer syntax
    void answers406ForImpossibleConversions(String stored, String wanted) {
        assertThatThrownBy(() -> WadoRoutes.conversion(stored, Optional.of(wanted), "x"))
                .isInstanceOfSatisfying(WadoProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(406);
                    assertThat(p.code()).isEqualTo("HZ-5402");
                });
    }

    @Test
    void parsesFrameLists() {
        assertThat(WadoRoutes.parseFrames("1")).containsExactly(1);
        assertThat(WadoRoutes.parseFrames("3,1, 2")).containsExactly(3, 1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "", "1,,2", "a", "-1", "1.5", "99999999999"})
    void rejectsMalformedFrameLists(String list) {
        assertThatThrownBy(() -> WadoRoutes.parseFrames(list)).isInstanceOfSatisfying(WadoProblem.class,
                p -> assertThat(p.code()).isEqualTo("HZ-5405"));
    }
}
