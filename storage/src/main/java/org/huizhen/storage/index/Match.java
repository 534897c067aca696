package org.huizhen.storage.index;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one {@link QueryKey} of a {@link Query} is matched against stored values: the matching
 * types of PS3.4 C.2.2.2 that the index supports (sequence matching is not).
 * {@link #parse} turns a value as a C-FIND identifier or a QIDO-RS query parameter carries it
 * into the matcher the standard implies.
 *
 * <p>Values are decoded Unicode text with DICOM padding already removed. Dates are
 * {@code YYYYMMDD}, times {@code HH[MM[SS[.F{1,6}]]]} (PS3.5 6.2).
 */
public sealed interface Match {

    /** Universal matching (PS3.4 C.2.2.2.3): no constraint; the attribute is only returned. */
    record Universal() implements Match {
    }

    /**
     * Single value matching (PS3.4 C.2.2.2.1). Case-sensitive except for PN keys. An empty value
     * is universal matching. For a TM key a value of lower precision matches the whole span it
     * names ({@code 0930} matches 09:30:00 to 09:30:59.999999).
     */
    record Exact(String value) implements Match {
        public Exact {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Wild card matching (PS3.4 C.2.2.2.4): {@code *} matches any sequence of characters
     * (including none), {@code ?} any single character; every other character, {@code %} and
     * {@code _} included, stands for itself. A pattern of only {@code *} is universal matching.
     */
    record Wildcard(String pattern) implements Match {
        public Wildcard {
            Objects.requireNonNull(pattern, "pattern");
        }

        /** True if the pattern is only {@code *} characters, i.e. matches everything. */
        public boolean matchesEverything() {
            return !pattern.isEmpty() && pattern.chars().allMatch(ch -> ch == '*');
        }
    }

    /**
     * Range matching (PS3.4 C.2.2.2.5) for DA and TM keys, bounds inclusive: {@code 20200101-}
     * (from only), {@code -20201231} (to only), {@code 20200101-20201231} (both). A TM upper bound
     * of lower precision includes its whole span ({@code -1200} includes 12:00:59).
     */
    record Range(Optional<String> from, Optional<String> to) implements Match {
        public Range {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from.isEmpty() && to.isEmpty()) {
                throw new IllegalArgumentException("HZ-2110 a range needs at least one bound");
            }
        }

        public static Range between(String from, String to) {
            return new Range(Optional.of(from), Optional.of(to));
        }

        public static Range from(String from) {
            return new Range(Optional.of(from), Optional.empty());
        }

        public static Range to(String to) {
            return new Range(Optional.empty(), Optional.of(to));
        }
    }

    /** List of UID matching (PS3.4 C.2.2.2.2): any of the UIDs matches. */
    record UidList(List<String> uids) implements Match {
        public UidList {
            uids = List.copyOf(uids);
            if (uids.isEmpty()) {
                throw new IllegalArgumentException("HZ-2110 a UID list needs at least one UID");
            }
        }
    }

    /** The universal matcher. */
    static Match universal() {
        return new Universal();
    }

    /**
     * The matcher a query value implies for {@code key} (PS3.4 C.2.2.2): empty or only
     * {@code *} is universal; for UI keys a {@code \}-separated list is a UID list; for DA and
     * TM keys a value with {@code -} is a range; for text and PN keys a value with {@code *} or
     * {@code ?} is a wildcard; anything else is single value matching.
     *
     * @param value the value with DICOM padding (trailing spaces) allowed; null is universal
     */
    static Match parse(QueryKey key, String value) {
        if (value == null) {
            return universal();
        }
        String v = value.strip();
        if (v.isEmpty() || v.chars().allMatch(ch -> ch == '*')) {
            return universal();
        }
        return switch (key.kind()) {
            case UID -> v.indexOf('\\') >= 0
                    ? new UidList(List.of(v.split("\\\\")).stream().map(String::strip)
                            .filter(s -> !s.isEmpty()).toList())
                    : new Exact(v);
            case DATE, TIME -> {
                int dash = v.indexOf('-');
                if (dash < 0) {
                    yield new Exact(v);
                }
                String from = v.substring(0, dash).strip();
                String to = v.substring(dash + 1).strip();
                if (from.isEmpty() && to.isEmpty()) {
                    yield universal();
                }
                yield new Range(from.isEmpty() ? Optional.empty() : Optional.of(from),
                        to.isEmpty() ? Optional.empty() : Optional.of(to));
            }
            case TEXT, PERSON_NAME -> v.indexOf('*') >= 0 || v.indexOf('?') >= 0 ? new Wildcard(v) : new Exact(v);
            case INTEGER -> new Exact(v);
        };
    }
}
