package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Scopes}: SMART v1 wildcard matching and opaque hub scopes. */
class AuthScopesTest {

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
            "user/*.read, user/ImagingStudy.read, true",
            "user/*.*, user/DiagnosticReport.write, true",
            "user/ImagingStudy.*, user/ImagingStudy.read, true",
            "user/ImagingStudy.read, user/ImagingStudy.write, false",
            "user/*.read, system/ImagingStudy.read, false",
            "patient/*.read, user/Patient.read, false",
            "system/Observation.read, system/ImagingStudy.read, false",
            "dicomweb.read, dicomweb.read, true",
            "dicomweb.read, dicomweb.write, false",
            "dicomweb.*, dicomweb.read, false",
    })
    void coversOnlyWhatTheGrantAllows(String granted, String required, boolean expected) {
        assertThat(Scopes.covers(granted, required)).isEqualTo(expected);
    }

    @Test
    void parsesSpaceSeparatedScopeClaim() {
        assertThat(Scopes.parse("  user/*.read   dicomweb.read ")).containsExactly("user/*.read", "dicomweb.read");
    }

    @Test
    void rejectsScopeWithQuoteOrBackslash() {
        // RFC 6749 3.3: scope-token excludes '"' and '\'.
        assertThatThrownBy(() -> Scopes.parse("user/*.read bad\"scope")).isInstanceOf(IllegalArgumentException.class);
    }
}
