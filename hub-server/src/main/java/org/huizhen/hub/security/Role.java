package org.huizhen.hub.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * What kind of party a caller is, carried as the {@code role} claim of a token and configured
 * for each API client. Authorisation beyond "is this caller allowed at all" is per endpoint.
 *
 * <p>Immutable.
 */
public enum Role {
    /** A reading physician (usually at the lead hospital). */
    READER("reader"),
    /** Staff of a township clinic or community health centre. */
    CLINIC("clinic"),
    /** A hospital information system (machine client). */
    HIS("his"),
    /** A consortium administrator. */
    ADMIN("admin");

    private final String claim;

    Role(String claim) {
        this.claim = claim;
    }

    /** The value in the {@code role} claim and in the configuration, e.g. {@code reader}. */
    public String claim() {
        return claim;
    }

    /** The role named {@code claim} exactly, if any. */
    public static Optional<Role> fromClaim(String claim) {
        return Arrays.stream(values()).filter(r -> r.claim.equals(claim)).findFirst();
    }
}
