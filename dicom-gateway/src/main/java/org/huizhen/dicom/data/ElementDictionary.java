package org.huizhen.dicom.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standard data dictionary (PS3.6 Section 6): VR, VM, keyword and name of every element.
 *
 * <p>The table is the generated resource {@code elements.tsv} (see
 * {@code src/build/java/GenerateDictionary.java}), loaded once on first use. Repeating groups
 * (50xx, 60xx, 7Fxx; PS3.5 7.6) and element ranges resolve for every member; group lengths
 * (gggg,0000) are UL and private creators (gggg,0010-00FF) are LO (PS3.5 7.2, 7.8.1). Private
 * data elements are unknown: {@link #vrOf} returns UN.
 *
 * <p>Immutable after loading; thread-safe.
 */
public final class ElementDictionary {

    /**
     * One dictionary row.
     *
     * @param vrs the VR as PS3.6 writes it, e.g. "US", "US or SS", "OB or OW", "NONE"
     */
    public record Entry(int tag, int mask, String vrs, String vm, String keyword, String name, boolean retired) {

        /** The VR used when a value arrives in Implicit VR: the first alternative (PS3.5 A.1). */
        public VR vr() {
            if (vrs.startsWith("US or SS or OW") || vrs.equals("OB or OW")) {
                return VR.OW;
            }
            return VR.fromCode(vrs.substring(0, 2)).orElse(VR.UN);
        }
    }

    private static final class Holder {
        static final Map<Integer, Entry> BY_TAG = new HashMap<>();
        static final Map<String, Entry> BY_KEYWORD = new HashMap<>();
        static final List<Entry> MASKED = new ArrayList<>();

        static {
            try (InputStream in = ElementDictionary.class.getResourceAsStream("elements.tsv")) {
                if (in == null) {
                    throw new IllegalStateException("HZ-1990 dictionary resource elements.tsv missing from the class path");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("#") || line.isBlank()) {
                        continue;
                    }
                    String[] f = line.split("\t");
                    Entry e = new Entry(Integer.parseUnsignedInt(f[0], 16), Integer.parseUnsignedInt(f[1], 16), f[2],
                            f[3], f[4], f[6], f[5].equals("1"));
                    BY_KEYWORD.putIfAbsent(e.keyword(), e);
                    if (e.mask() == 0xFFFFFFFF) {
                        BY_TAG.put(e.tag(), e);
                    } else {
                        MASKED.add(e);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private ElementDictionary() {
    }

    /** The dictionary row of a tag, including repeating-group members. */
    public static Optional<Entry> entryOf(int tag) {
        Entry e = Holder.BY_TAG.get(tag);
        if (e != null) {
            return Optional.of(e);
        }
        int group = tag >>> 16;
        if ((group & 1) == 0) {
            for (Entry m : Holder.MASKED) {
                if ((tag & m.mask()) == m.tag()) {
                    return Optional.of(m);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The VR to use for a tag whose VR is not in the stream (Implicit VR): the dictionary's,
     * UL for group lengths, LO for private creators, UN otherwise.
     */
    public static VR vrOf(int tag) {
        if (Tag.isGroupLength(tag) && tag != 0) {
            return VR.UL;
        }
        if (Tag.isPrivateCreator(tag)) {
            return VR.LO;
        }
        if (Tag.isPrivate(tag)) {
            return VR.UN;
        }
        return entryOf(tag).map(Entry::vr).orElse(tag == 0 ? VR.UL : VR.UN);
    }

    /** The keyword ("PatientName"), if the tag is in the dictionary. */
    public static Optional<String> keywordOf(int tag) {
        return entryOf(tag).map(Entry::keyword);
    }

    /** The tag of a keyword, if it is in the dictionary (repeating groups give the first group). */
    public static Optional<Integer> tagOf(String keyword) {
        return Optional.ofNullable(Holder.BY_KEYWORD.get(keyword)).map(Entry::tag);
    }

    /** The value multiplicity ("1", "1-n", "2-2n"), if the tag is in the dictionary. */
    public static Optional<String> vmOf(int tag) {
        return entryOf(tag).map(Entry::vm);
    }

    /** The name ("Patient Name"), derived from the keyword, if the tag is in the dictionary. */
    public static Optional<String> nameOf(int tag) {
        return entryOf(tag).map(Entry::name);
    }
}
