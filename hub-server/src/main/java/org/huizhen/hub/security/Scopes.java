package org.huizhen.hub.security;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scope matching. SMART App Launch v1 scopes have the form
 * {@code (patient|user|system)/<ResourceType|*>.(read|write|*)}: a granted scope covers a
 * required one when the context is the same and the resource type and the permission are
 * equal or {@code *} ({@code user/*.read} covers {@code user/ImagingStudy.read}, not
 * {@code system/ImagingStudy.read}). Every other scope ({@code dicomweb.read},
 * {@code dicomweb.write}) is an opaque name that only covers itself (RFC 6749 3.3).
 *
 * <p>Stateless.
 */
public final class Scopes {
    private static final Pattern SMART = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.(read|write|\\*)");
    /** A scope token is printable ASCII except space, '"' and '\' (RFC 6749 3.3). */
    private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private Scopes() {
    }

    /** True if {@code granted} grants at least what {@code required} asks for. */
    public static boolean covers(String granted, String required) {
        if (granted.equals(required)) {
            return true;
        }
        Matcher g = SMART.matcher(granted);
        Matcher r = SMART.matcher(required);
        if (!g.matches() || !r.matches()) {
            return false;
        }
        return g.group(1).equals(r.group(1))
                && (g.group(2).equals("*") || g.group(2).equals(r.group(2)))
                && (g.group(3).equals("*") || g.group(3).equals(r.group(3)));
    }

    /** Parses a space-separated {@code scope} value (RFC 6749 3.3); throws on a malformed token. */
    public static Set<String> parse(String spaceSeparated) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : spaceSeparated.trim().split(" +")) {
            if (!s.isEmpty()) {
                out.add(check(s));
            }
        }
        return out;
    }

    /** Returns {@code scope} if it is a well-formed scope token, else throws. */
    public static String check(String scope) {
        if (scope == null || !TOKEN.matcher(scope).matches()) {
            throw new IllegalArgumentException("not a scope token: '" + scope + "'");
        }
        return scope;
    }
}
