package org.huizhen.hub.security;

/**
 * What checking a credential gave: the caller, or why not. A rejection's {@code code} is a
 * unique {@code HZ-60xx} code (searchable in the logs and the 401 body); {@code reason} is
 * safe to show the caller.
 *
 * <p>Immutable.
 */
public sealed interface AuthOutcome {

    record Accepted(Principal principal) implements AuthOutcome {
    }

    record Rejected(String code, String reason) implements AuthOutcome {
    }

    static AuthOutcome rejected(String code, String reason) {
        return new Rejected(code, reason);
    }
}
