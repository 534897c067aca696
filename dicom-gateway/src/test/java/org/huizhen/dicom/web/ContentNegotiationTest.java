package org.huizhen.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Media type parsing (RFC 7231 3.1.1.1) and Accept negotiation for DICOMweb (PS3.18 8.7). */
class ContentNegotiationTest {

    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    /** What a WADO-RS instance resource can produce for a JPEG-compressed study, most preferred first. */
    private static final List<MediaType> OFFERS = List.of(
            MediaType.multipartRelated("application/dicom", "transfer-syntax", EXPLICIT_LE),
            MediaType.multipartRelated("application/dicom", "transfer-syntax", JPEG_BASELINE),
            MediaType.APPLICATION_DICOM_JSON);

    @Test
    void parsesParametersQuotedOrNotWithEscapes() {
        MediaType m = MediaType.parse("Multipart/Related ; TYPE=\"application/dicom\";boundary=\"a \\\"b\\\\c\" ; transfer-syntax=1.2.3");
        assertThat(m.essence()).isEqualTo("multipart/related");
        assertThat(m.parameter("type")).contains("application/dicom");
        assertThat(m.parameter("Boundary")).contains("a \"b\\c");
        assertThat(m.parameter("transfer-syntax")).contains("1.2.3");
        // Printing quotes what is not a token; parsing the print gives the same type.
        assertThat(MediaType.parse(m.toString())).isEqualTo(m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "application", "application/", "/dicom", "a/b; c", "a/b; c=\"open", "a/b x"})
    void rejectsMalformedMediaTypes(String text) {
        assertThatThrownBy(() -> MediaType.parse(text)).isInstanceOfSatisfying(DicomWebException.class,
                e -> assertThat(e.code()).isEqualTo("HZ-5301"));
    }

    @Test
    void splitsAcceptOnCommasOutsideQuotes() {
        List<ContentNegotiation.MediaRange> r = ContentNegotiation.parseAccept(
                "application/dicom+json;q=0.5, multipart/related; type=\"application/dicom\"; transfer-syntax=\"*\", */*;q=0.1,");
        assertThat(r).extracting(x -> x.range().essence()).containsExactly("multipart/related", "application/dicom+json", "*/*");
        assertThat(r).extracting(ContentNegotiation.MediaRange::q).containsExactly(1.0, 0.5, 0.1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // no transfer-syntax: the default, Explicit VR Little Endian (PS3.18 8.7.3.5.2)
            "multipart/related; type=\"application/dicom\" | multipart/related; type=application/dicom; transfer-syntax=" + EXPLICIT_LE,
            // asking for the JPEG syntax gets it
            "multipart/related; type=\"application/dicom\"; transfer-syntax=" + JPEG_BASELINE + " | multipart/related; type=application/dicom; transfer-syntax=" + JPEG_BASELINE,
            // any syntax: the server's first choice
            "multipart/related; type=application/dicom; transfer-syntax=* | multipart/related; type=application/dicom; transfer-syntax=" + EXPLICIT_LE,
            // q decides
            "multipart/related; type=application/dicom;q=0.2, application/dicom+json | application/dicom+json",
            // the more specific range wins over a wildcard for the same offer: JPEG at q=0 is excluded
            "multipart/related; type=application/dicom; transfer-syntax=" + JPEG_BASELINE + ";q=0, multipart/related; type=application/dicom; transfer-syntax=*;q=0.9 | multipart/related; type=application/dicom; transfer-syntax=" + EXPLICIT_LE,
            "application/* | application/dicom+json",
            "*/* | multipart/related; type=application/dicom; transfer-syntax=" + EXPLICIT_LE,
            "application/dicom+json; charset=utf-8 | application/dicom+json",
    })
    void choosesTheOfferTheClientRanksHighest(String accept, String expected) {
        assertThat(ContentNegotiation.choose(accept, OFFERS)).contains(MediaType.parse(expected));
    }

    @Test
    void missingAcceptTakesTheServersFirstOffer() {
        assertThat(ContentNegotiation.choose((String) null, OFFERS)).contains(OFFERS.get(0));
        assertThat(ContentNegotiation.choose(" ", OFFERS)).contains(OFFERS.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.90",
            "multipart/related; type=\"image/jpeg\"",
            "application/dicom+xml",
            "application/dicom+json;q=0"})
    void answersNotAcceptableWhenNothingFits(String accept) {
        assertThat(ContentNegotiation.choose(accept, OFFERS)).isEmpty();
        assertThatThrownBy(() -> ContentNegotiation.chooseOrThrow(accept, OFFERS))
                .isInstanceOfSatisfying(DicomWebException.class, e -> {
                    assertThat(e.status()).isEqualTo(406);
                    assertThat(e.code()).isEqualTo("HZ-5303");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/dicom+json;q=2", "application/dicom+json;q=0.1234", "application/dicom+json;q=x"})
    void rejectsInvalidQValues(String accept) {
        assertThatThrownBy(() -> ContentNegotiation.parseAccept(accept)).isInstanceOfSatisfying(DicomWebException.class,
                e -> assertThat(e.code()).isEqualTo("HZ-5302"));
    }

    @Test
    void transferSyntaxOfPart10TypesDefaultsToExplicitLittleEndian() {
        assertThat(ContentNegotiation.transferSyntax(MediaType.APPLICATION_DICOM)).contains(EXPLICIT_LE);
        assertThat(ContentNegotiation.transferSyntax(MediaType.multipartRelated("application/dicom"))).contains(EXPLICIT_LE);
        assertThat(ContentNegotiation.transferSyntax(MediaType.APPLICATION_OCTET_STREAM)).isEmpty();
        assertThat(ContentNegotiation.transferSyntax(new MediaType("application", "dicom", Map.of("transfer-syntax", JPEG_BASELINE))))
                .contains(JPEG_BASELINE);
    }
}
