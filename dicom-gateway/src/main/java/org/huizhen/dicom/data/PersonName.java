package org.huizhen.dicom.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One value of VR PN (Person Name) — PS3.5 6.2.1: up to three component groups (alphabetic,
 * ideographic, phonetic; separated by '=') of up to five components each (family name, given
 * name, middle name, prefix, suffix; separated by '^').
 *
 * <p>A Chinese patient from the PS3.5 Annex J/K examples is {@code Wang^XiaoDong=王^小东=}:
 * alphabetic group "Wang", "XiaoDong"; ideographic group "王", "小东"; empty phonetic group.
 * Work on the <em>decoded</em> text (see {@link SpecificCharacterSet#decode}) and on one
 * value at a time: a multi-valued PN element is split on '\' first.
 *
 * <p>Components are kept without leading and trailing spaces (padding is not significant,
 * PS3.5 6.2). {@link #toString()} gives the DICOM form with trailing empty components and
 * groups left out, so {@code parse(x).toString()} is {@code x} in its shortest form.
 *
 * <p>Immutable and thread-safe.
 */
public final class PersonName {

    /** The three component groups, in their DICOM order. */
    public enum Group { ALPHABETIC, IDEOGRAPHIC, PHONETIC }

    /**
     * One component group: five components, each an empty string when absent (never null).
     * Components cannot hold the delimiters '^', '=', '\' or control characters.
     */
    public record ComponentGroup(String family, String given, String middle, String prefix, String suffix) {

        /** The group with all five components empty. */
        public static final ComponentGroup EMPTY = new ComponentGroup("", "", "", "", "");

        /** Validates and trims the components; null means empty. */
        public ComponentGroup {
            family = component(family);
            given = component(given);
            middle = component(middle);
            prefix = component(prefix);
            suffix = component(suffix);
        }

        /** A group with only a family and a given name, the usual case. */
        public static ComponentGroup of(String family, String given) {
            return new ComponentGroup(family, given, "", "", "");
        }

        /** Whether all five components are empty. */
        public boolean isEmpty() {
            return family.isEmpty() && given.isEmpty() && middle.isEmpty() && prefix.isEmpty() && suffix.isEmpty();
        }

        /** The components in DICOM order: family, given, middle, prefix, suffix. */
        public List<String> components() {
            return List.of(family, given, middle, prefix, suffix);
        }

        /** The DICOM form of this group, trailing empty components (and their '^') left out. */
        @Override
        public String toString() {
            List<String> c = components();
            int last = c.size();
            while (last > 0 && c.get(last - 1).isEmpty()) {
                last--;
            }
            return String.join("^", c.subList(0, last));
        }

        /**
         * A form for people: for ideographic and phonetic groups the components run together
         * in family-name-first order ("王小东", "やまだたろう"); for the alphabetic group they are
         * separated by spaces, also family name first as Chinese names in pinyin are written
         * (GB/T 28039): "Wang XiaoDong". Prefix first, suffix last.
         */
        String formatted(boolean spaced) {
            List<String> parts = new ArrayList<>(5);
            for (String s : List.of(prefix, family, given, middle, suffix)) {
                if (!s.isEmpty()) {
                    parts.add(s);
                }
            }
            return String.join(spaced ? " " : "", parts);
        }

        private static String component(String s) {
            if (s == null) {
                return "";
            }
            String t = s.strip();
            for (int i = 0; i < t.length(); i++) {
                char ch = t.charAt(i);
                if (ch == '^' || ch == '=' || ch == '\\' || ch < 0x20) {
                    throw new IllegalArgumentException("person name component must not contain '^', '=', '\\' "
                            + "or control characters: " + s);
                }
            }
            return t;
        }
    }

    /** The name with all groups empty. */
    public static final PersonName EMPTY = new PersonName(ComponentGroup.EMPTY, ComponentGroup.EMPTY, ComponentGroup.EMPTY);

    private final ComponentGroup alphabetic;
    private final ComponentGroup ideographic;
    private final ComponentGroup phonetic;

    private PersonName(ComponentGroup alphabetic, ComponentGroup ideographic, ComponentGroup phonetic) {
        this.alphabetic = alphabetic;
        this.ideographic = ideographic;
        this.phonetic = phonetic;
    }

    /**
     * Parses one decoded PN value. Trailing spaces (padding) are ignored.
     *
     * @throws IllegalArgumentException if the value has more than three component groups, a
     *         group has more than five components, or the value contains '\' or a control
     *         character — see {@link #parseLenient} for data that must be shown anyway
     */
    public static PersonName parse(String value) {
        return parse(value, true);
    }

    /**
     * Parses one decoded PN value as {@link #parse} does, but drops component groups beyond the
     * third and components beyond the fifth, and drops '\' and control characters, instead of
     * throwing. For displaying malformed names received from the field.
     */
    public static PersonName parseLenient(String value) {
        return parse(value, false);
    }

    /**
     * Parses every value of a decoded, possibly multi-valued PN element (values separated by
     * '\', PS3.5 6.4) with {@link #parse}. An empty string gives one empty name.
     *
     * @throws IllegalArgumentException as {@link #parse} does, for any of the values
     */
    public static List<PersonName> parseValues(String decoded) {
        Objects.requireNonNull(decoded, "decoded");
        List<PersonName> names = new ArrayList<>();
        for (String v : decoded.split("\\\\", -1)) {
            names.add(parse(v));
        }
        return List.copyOf(names);
    }

    private static PersonName parse(String value, boolean strict) {
        Objects.requireNonNull(value, "value");
        String v = value;
        if (!strict) {
            StringBuilder sb = new StringBuilder(v.length());
            v.chars().filter(c -> c != '\\' && c >= 0x20).forEach(c -> sb.append((char) c));
            v = sb.toString();
        }
        String[] groups = v.split("=", -1);
        if (groups.length > 3 && strict) {
            throw new IllegalArgumentException("person name has more than 3 component groups: " + value);
        }
        ComponentGroup[] parsed = {ComponentGroup.EMPTY, ComponentGroup.EMPTY, ComponentGroup.EMPTY};
        for (int g = 0; g < Math.min(3, groups.length); g++) {
            String[] c = groups[g].split("\\^", -1);
            if (c.length > 5 && strict) {
                throw new IllegalArgumentException("person name component group has more than 5 components: " + value);
            }
            parsed[g] = new ComponentGroup(at(c, 0), at(c, 1), at(c, 2), at(c, 3), at(c, 4));
        }
        return new PersonName(parsed[0], parsed[1], parsed[2]);
    }

    private static String at(String[] a, int i) {
        return i < a.length ? a[i] : "";
    }

    /** A name with only an alphabetic group. */
    public static PersonName of(ComponentGroup alphabetic) {
        return builder().alphabetic(alphabetic).build();
    }

    /** A builder with all groups empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this name's groups. */
    public Builder toBuilder() {
        return new Builder().alphabetic(alphabetic).ideographic(ideographic).phonetic(phonetic);
    }

    /** The alphabetic (single-byte) group, if not empty. */
    public Optional<ComponentGroup> alphabetic() {
        return nonEmpty(alphabetic);
    }

    /** The ideographic group (e.g. Hanzi, Kanji, Hanja), if not empty. */
    public Optional<ComponentGroup> ideographic() {
        return nonEmpty(ideographic);
    }

    /** The phonetic group (e.g. Hiragana, Hangul), if not empty. */
    public Optional<ComponentGroup> phonetic() {
        return nonEmpty(phonetic);
    }

    /** The given group; {@link ComponentGroup#EMPTY} when absent, never null. */
    public ComponentGroup group(Group group) {
        return switch (group) {
            case ALPHABETIC -> alphabetic;
            case IDEOGRAPHIC -> ideographic;
            case PHONETIC -> phonetic;
        };
    }

    /** Whether every group is empty (an empty PN value). */
    public boolean isEmpty() {
        return alphabetic.isEmpty() && ideographic.isEmpty() && phonetic.isEmpty();
    }

    private static Optional<ComponentGroup> nonEmpty(ComponentGroup g) {
        return g.isEmpty() ? Optional.empty() : Optional.of(g);
    }

    /**
     * The name for people to read: the ideographic group when present ("王小东"), else the
     * alphabetic group ("Wang XiaoDong"), else the phonetic group; "" for an empty name.
     */
    public String formatted() {
        if (!ideographic.isEmpty()) {
            return ideographic.formatted(false);
        }
        if (!alphabetic.isEmpty()) {
            return alphabetic.formatted(true);
        }
        return phonetic.formatted(false);
    }

    /** The DICOM form, trailing empty components and component groups left out (PS3.5 6.2.1). */
    @Override
    public String toString() {
        List<String> g = new ArrayList<>(List.of(alphabetic.toString(), ideographic.toString(), phonetic.toString()));
        while (!g.isEmpty() && g.get(g.size() - 1).isEmpty()) {
            g.remove(g.size() - 1);
        }
        return String.join("=", g);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PersonName p && alphabetic.equals(p.alphabetic) && ideographic.equals(p.ideographic)
                && phonetic.equals(p.phonetic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alphabetic, ideographic, phonetic);
    }

    /** Builds a {@link PersonName}; not thread-safe, use from one thread. */
    public static final class Builder {
        private final Map<Group, ComponentGroup> groups = new EnumMap<>(Group.class);

        private Builder() {
        }

        /** Sets a group; null means empty. */
        public Builder group(Group group, ComponentGroup value) {
            groups.put(Objects.requireNonNull(group, "group"), value == null ? ComponentGroup.EMPTY : value);
            return this;
        }

        /** Sets the alphabetic group. */
        public Builder alphabetic(ComponentGroup value) {
            return group(Group.ALPHABETIC, value);
        }

        /** Sets the ideographic group. */
        public Builder ideographic(ComponentGroup value) {
            return group(Group.IDEOGRAPHIC, value);
        }

        /** Sets the phonetic group. */
        public Builder phonetic(ComponentGroup value) {
            return group(Group.PHONETIC, value);
        }

        /** The name. */
        public PersonName build() {
            return new PersonName(get(Group.ALPHABETIC), get(Group.IDEOGRAPHIC), get(Group.PHONETIC));
        }

        private ComponentGroup get(Group g) {
            return groups.getOrDefault(g, ComponentGroup.EMPTY);
        }
    }
}
