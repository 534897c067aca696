package org.huizhen.storage.index.jdbc;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.huizhen.storage.index.PatientName;

/**
 * The search keys of a patient name, kept in table {@code patient_name_key} (one row per kind)
 * so that one indexed column answers a case-insensitive exact or prefix query on the whole name
 * and on each component group (PS3.5 6.2.1.2: alphabetic, ideographic and phonetic groups
 * separated by {@code =}). {@code Wang^XiaoDong=王^小东=} gives
 * <pre>
 * T  WANG^XIAODONG=王^小东     the whole name
 * A  WANG^XIAODONG            alphabetic group
 * B  WANGXIAODONG             alphabetic group without component separators
 * I  王^小东                   ideographic group
 * C  王小东                    ideographic group without separators (as people type Chinese names)
 * </pre>
 * and P for the phonetic group. Keys are upper case (Locale.ROOT) with trailing empty components
 * and groups removed; query values are normalised by the same {@link #normalize} before matching.
 *
 * <p>Stateless; thread-safe. Used by ingest ({@link JdbcMetadataIndex#store}) and by the
 * migration that fills the table for patients stored before it existed.
 */
final class PatientNameKeys {

    /** Key kinds; a group-specific query value matches only these kinds for its group. */
    static final String WHOLE = "T";
    static final String ALPHABETIC = "A";
    static final String ALPHABETIC_COMPACT = "B";
    static final String IDEOGRAPHIC = "I";
    static final String IDEOGRAPHIC_COMPACT = "C";
    static final String PHONETIC = "P";

    /** Column width of {@code patient_name_key.name_key}; longer keys are cut (prefix search still works). */
    static final int MAX_KEY = 400;

    private PatientNameKeys() {
    }

    /** Kind to key; empty for a null or empty name. Equal keys of different kinds are all kept. */
    static Map<String, String> of(PatientName name) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (name == null) {
            return keys;
        }
        put(keys, WHOLE, normalize(name.text()));
        String alphabetic = name.alphabetic();
        String ideographic = name.ideographic();
        String phonetic = name.phonetic();
        if (alphabetic == null && ideographic == null && phonetic == null) {
            // Groups not given separately: read them from the text (PS3.5 6.2.1.2).
            String[] groups = name.text().split("=", -1);
            alphabetic = groups[0];
            ideographic = groups.length > 1 ? groups[1] : null;
            phonetic = groups.length > 2 ? groups[2] : null;
        }
        put(keys, ALPHABETIC, normalize(alphabetic));
        put(keys, ALPHABETIC_COMPACT, compact(alphabetic));
        put(keys, IDEOGRAPHIC, normalize(ideographic));
        put(keys, IDEOGRAPHIC_COMPACT, compact(ideographic));
        put(keys, PHONETIC, normalize(phonetic));
        return keys;
    }

    /**
     * Upper case, surrounding spaces and trailing empty components ({@code ^}) and groups
     * ({@code =}) removed; null stays null.
     */
    static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip().toUpperCase(Locale.ROOT);
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == '^' || v.charAt(end - 1) == '=' || v.charAt(end - 1) == ' ')) {
            end--;
        }
        return v.substring(0, end);
    }

    /** {@link #normalize} without component separators and spaces: {@code 王^小东} is {@code 王小东}. */
    static String compact(String value) {
        String v = normalize(value);
        return v == null ? null : v.replace("^", "").replace(" ", "");
    }

    private static void put(Map<String, String> keys, String kind, String key) {
        if (key != null && !key.isEmpty()) {
            keys.put(kind, key.length() > MAX_KEY ? key.substring(0, MAX_KEY) : key);
        }
    }
}
