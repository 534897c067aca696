package org.huizhen.dicom.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable DICOM data set (PS3.5 7): data elements in ascending tag order with a small
 * typed API. Absent attributes give {@link Optional#empty()}; an attribute that is present but
 * empty also gives empty for the typed getters ({@link #contains} tells them apart). A value
 * that does not parse as its VR raises {@link DicomValueException} naming tag and value.
 *
 * <p>Text is decoded with {@link #specificCharacterSet()}: the data set's own (0008,0005), or,
 * for a sequence item without one, its parent's (PS3.5 6.1.2.3). Multi-valued text is split on
 * '\' after decoding, because a GB18030/GBK character may contain the byte 0x5C.
 *
 * <p>Private elements stay with their creators: {@link #getPrivate(String, int, int)} finds an
 * element by creator, group and element offset (PS3.5 7.8.1).
 *
 * <p>Immutable and thread-safe; build with {@link Builder}.
 */
public final class DataSet {

    private static final Pattern DS_PATTERN = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern IS_PATTERN = Pattern.compile("[+-]?\\d{1,12}");
    private static final DataSet EMPTY = new Builder().build();

    private final int[] tags;
    private final DicomElement[] elements;
    private final SpecificCharacterSet charset;

    private DataSet(int[] tags, DicomElement[] elements, SpecificCharacterSet charset) {
        this.tags = tags;
        this.elements = elements;
        this.charset = charset;
    }

    /** A new builder for a top-level data set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The data set with no elements. */
    public static DataSet empty() {
        return EMPTY;
    }

    /** A builder holding this data set's elements and inherited character set. */
    public Builder toBuilder() {
        Builder b = new Builder(charset);
        for (DicomElement e : elements) {
            b.add(e);
        }
        return b;
    }

    /** The character set used to decode text values. */
    public SpecificCharacterSet specificCharacterSet() {
        return charset;
    }

    /** The number of elements at this level. */
    public int size() {
        return elements.length;
    }

    /** True when there are no elements. */
    public boolean isEmpty() {
        return elements.length == 0;
    }

    /** The elements in ascending (unsigned) tag order. */
    public List<DicomElement> elements() {
        return List.of(elements);
    }

    /** True when an element with this tag is present, even with an empty value. */
    public boolean contains(int tag) {
        return indexOf(tag) >= 0;
    }

    /** The element with this tag. */
    public Optional<DicomElement> get(int tag) {
        int i = indexOf(tag);
        return i < 0 ? Optional.empty() : Optional.of(elements[i]);
    }

    private int indexOf(int tag) {
        int lo = 0;
        int hi = tags.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The first value as text (see {@link #getStrings}). */
    public Optional<String> getString(int tag) {
        return getStrings(tag).filter(l -> !l.isEmpty()).map(l -> l.get(0));
    }

    /**
     * All values as text. Text VRs are decoded and split on '\' (except LT, ST, UT, UR which are
     * single-valued), leading/trailing padding removed as PS3.5 6.2 allows per VR; binary
     * numbers are formatted in decimal, AT as "(gggg,eeee)". Empty when absent or zero length.
     *
     * @throws DicomValueException for OB/OW/UN/SQ and the other VRs that are not text
     */
    public Optional<List<String>> getStrings(int tag) {
        Optional<DicomElement> o = get(tag);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        DicomElement e = o.get();
        byte[] b = inlineBytes(e);
        if (b.length == 0) {
            return Optional.empty();
        }
        VR vr = e.vr();
        if (vr.isString()) {
            String s = vr.isCharsetAffected() ? charset.decode(b, vr == VR.PN) : new String(b, StandardCharsets.ISO_8859_1);
            List<String> values = switch (vr) {
                case LT, ST, UT, UR -> List.of(s);
                default -> Arrays.asList(s.split("\\\\", -1));
            };
            List<String> out = new ArrayList<>(values.size());
            for (String v : values) {
                out.add(trim(vr, v));
            }
            return Optional.of(List.copyOf(out));
        }
        return switch (vr) {
            case US, SS, UL, SL, SV, UV, FL, FD -> {
                List<String> out = new ArrayList<>();
                if (vr == VR.FL || vr == VR.FD) {
                    for (double d : doublesOf(e, b)) {
                        out.add(vr == VR.FL ? Float.toString((float) d) : Double.toString(d));
                    }
                } else {
                    for (long l : longsOf(e, b)) {
                        out.add(vr == VR.UV ? Long.toUnsignedString(l) : Long.toString(l));
                    }
                }
                yield Optional.of(List.copyOf(out));
            }
            case AT -> {
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                List<String> out = new ArrayList<>();
                while (bb.remaining() >= 4) {
                    int g = bb.getShort() & 0xFFFF;
                    int el = bb.getShort() & 0xFFFF;
                    out.add(Tag.toString((g << 16) | el));
                }
                yield Optional.of(List.copyOf(out));
            }
            default -> throw new DicomValueException("HZ-1910", tag, "VR " + vr + " is not text");
        };
    }

    private static String trim(VR vr, String v) {
        return switch (vr) {
            // Leading spaces are significant in LT, ST, UT (PS3.5 6.2); only trailing ones are padding.
            case LT, ST, UT, UC, UR -> stripTrailing(v);
            case UI -> stripTrailingNul(v).strip();
            default -> stripTrailingNul(v).strip();
        };
    }

    private static String stripTrailing(String v) {
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\0')) {
            end--;
        }
        return v.substring(0, end);
    }

    private static String stripTrailingNul(String v) {
        int end = v.length();
        while (end > 0 && v.charAt(end - 1) == '\0') {
            end--;
        }
        return v.substring(0, end);
    }

    /** The first value as an int: IS text or a binary integer VR (US, SS, UL, SL, SV, UV). */
    public Optional<Integer> getInt(int tag) {
        return getInts(tag).filter(a -> a.length > 0).map(a -> a[0]);
    }

    /**
     * All values as ints.
     *
     * @throws DicomValueException if a value is not an integer or does not fit an int
     */
    public Optional<int[]> getInts(int tag) {
        Optional<long[]> l = getLongs(tag);
        if (l.isEmpty()) {
            return Optional.empty();
        }
        long[] a = l.get();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                throw new DicomValueException("HZ-1911", tag, "value " + a[i] + " does not fit a 32-bit int");
            }
            out[i] = (int) a[i];
        }
        return Optional.of(out);
    }

    /** The first value as a long (UL and UV values above the signed range keep their bits). */
    public Optional<Long> getLong(int tag) {
        return getLongs(tag).filter(a -> a.length > 0).map(a -> a[0]);
    }

    /** All values as longs. */
    public Optional<long[]> getLongs(int tag) {
        Optional<DicomElement> o = get(tag);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        DicomElement e = o.get();
        byte[] b = inlineBytes(e);
        if (b.length == 0) {
            return Optional.empty();
        }
        if (e.vr() == VR.IS || e.vr() == VR.DS) {
            List<String> values = getStrings(tag).orElse(List.of());
            if (values.stream().allMatch(String::isEmpty)) {
                return Optional.empty(); // only padding: no value (PS3.5 6.2)
            }
            long[] out = new long[values.size()];
            for (int i = 0; i < out.length; i++) {
                String v = values.get(i);
                if (e.vr() == VR.IS) {
                    if (!IS_PATTERN.matcher(v).matches()) {
                        throw new DicomValueException("HZ-1912", tag, "IS value \"" + v + "\" is not an integer string");
                    }
                    out[i] = Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
                } else {
                    double d = parseDs(tag, v);
                    if (d != Math.rint(d)) {
                        throw new DicomValueException("HZ-1913", tag, "DS value \"" + v + "\" is not a whole number");
                    }
                    out[i] = (long) d;
                }
            }
            return Optional.of(out);
        }
        return Optional.of(longsOf(e, b));
    }

    /** The first value as a double: DS, IS, FL, FD or a binary integer VR. */
    public Optional<Double> getDouble(int tag) {
        return getDoubles(tag).filter(a -> a.length > 0).map(a -> a[0]);
    }

    /** All values as doubles. */
    public Optional<double[]> getDoubles(int tag) {
        Optional<DicomElement> o = get(tag);
        if (o.isEmpty()) {
            return Optional.empty();
        }
        DicomElement e = o.get();
        byte[] b = inlineBytes(e);
        if (b.length == 0) {
            return Optional.empty();
        }
        if (e.vr() == VR.DS) {
            List<String> values = getStrings(tag).orElse(List.of());
            if (values.stream().allMatch(String::isEmpty)) {
                return Optional.empty(); // only padding: no value (PS3.5 6.2)
            }
            double[] out = new double[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = parseDs(tag, values.get(i));
            }
            return Optional.of(out);
        }
        if (e.vr() == VR.IS) {
            return getLongs(tag).map(a -> Arrays.stream(a).asDoubleStream().toArray());
        }
        return Optional.of(doublesOf(e, b));
    }

    private static double parseDs(int tag, String v) {
        if (!DS_PATTERN.matcher(v).matches()) {
            throw new DicomValueException("HZ-1914", tag, "DS value \"" + v + "\" is not a decimal string");
        }
        return Double.parseDouble(v);
    }

    private static long[] longsOf(DicomElement e, byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int unit = switch (e.vr()) {
            case US, SS -> 2;
            case UL, SL -> 4;
            case SV, UV -> 8;
            default -> throw new DicomValueException("HZ-1915", e.tag(), "VR " + e.vr() + " is not an integer VR");
        };
        if (b.length % unit != 0) {
            throw new DicomValueException("HZ-1916", e.tag(), "length " + b.length + " is not a multiple of " + unit);
        }
        long[] out = new long[b.length / unit];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (e.vr()) {
                case US -> bb.getShort() & 0xFFFF;
                case SS -> bb.getShort();
                case UL -> bb.getInt() & 0xFFFFFFFFL;
                case SL -> bb.getInt();
                default -> bb.getLong();
            };
        }
        return out;
    }

    private static double[] doublesOf(DicomElement e, byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (e.vr()) {
            case FL, OF -> {
                if (b.length % 4 != 0) {
                    throw new DicomValueException("HZ-1916", e.tag(), "length " + b.length + " is not a multiple of 4");
                }
                double[] out = new double[b.length / 4];
                for (int i = 0; i < out.length; i++) {
                    out[i] = bb.getFloat();
                }
                return out;
            }
            case FD, OD -> {
                if (b.length % 8 != 0) {
                    throw new DicomValueException("HZ-1916", e.tag(), "length " + b.length + " is not a multiple of 8");
                }
                double[] out = new double[b.length / 8];
                for (int i = 0; i < out.length; i++) {
                    out[i] = bb.getDouble();
                }
                return out;
            }
            default -> {
                long[] l = longsOf(e, b);
                double[] out = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    out[i] = l[i];
                }
                return out;
            }
        }
    }

    /**
     * The raw value bytes (binary values in Little Endian; text as encoded, padding included).
     *
     * @throws DicomValueException if the value is a sequence, fragments or a bulk data reference
     */
    public Optional<byte[]> getBytes(int tag) {
        return get(tag).map(e -> inlineBytes(e).clone());
    }

    private static byte[] inlineBytes(DicomElement e) {
        return switch (e.value()) {
            case Value.Bytes b -> b.unsafeArray();
            case BulkData bd -> throw new DicomValueException("HZ-1917", e.tag(),
                    "value is bulk data (" + bd.length() + " bytes at offset " + bd.offset() + " of " + bd.file() + ")");
            case Value.Sequence s -> throw new DicomValueException("HZ-1918", e.tag(), "value is a sequence, not bytes");
            case Fragments f -> throw new DicomValueException("HZ-1919", e.tag(), "value is encapsulated fragments, not bytes");
        };
    }

    /** The items of a sequence; empty Optional when absent, an empty list for a sequence with no items. */
    public Optional<List<DataSet>> getSequence(int tag) {
        return get(tag).map(e -> switch (e.value()) {
            case Value.Sequence s -> s.items();
            case Value.Bytes b when b.length() == 0 -> List.<DataSet>of();
            default -> throw new DicomValueException("HZ-1920", tag, "VR " + e.vr() + " is not a sequence");
        });
    }

    /** The encapsulated pixel data fragments, if the element holds fragments. */
    public Optional<Fragments> getFragments(int tag) {
        return get(tag).filter(e -> e.value() instanceof Fragments).map(e -> (Fragments) e.value());
    }

    /** The bulk data reference, if the element's value was left in its file. */
    public Optional<BulkData> getBulkData(int tag) {
        return get(tag).filter(e -> e.value() instanceof BulkData).map(e -> (BulkData) e.value());
    }

    /**
     * A private element by creator: finds the block (gggg,00xx) whose Private Creator value is
     * {@code creator} and returns (gggg,xxee) where ee is {@code elementOffset} (PS3.5 7.8.1).
     *
     * @param group         an odd group number, e.g. 0x0029
     * @param elementOffset the low byte of the element number, 0x00-0xFF
     */
    public Optional<DicomElement> getPrivate(String creator, int group, int elementOffset) {
        for (int block = 0x10; block <= 0xFF; block++) {
            int creatorTag = (group << 16) | block;
            if (!contains(creatorTag)) {
                continue;
            }
            Optional<String> c = getString(creatorTag);
            if (c.isPresent() && c.get().equals(creator.strip())) {
                return get((group << 16) | (block << 8) | (elementOffset & 0xFF));
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "DataSet[" + elements.length + " elements, charset " + charset + "]";
    }

    /**
     * Builds a {@link DataSet}. Set Specific Character Set (0008,0005) before text values that
     * need it: text is encoded when it is set. Not thread-safe.
     */
    public static final class Builder {
        private final TreeMap<Integer, DicomElement> map = new TreeMap<>(Integer::compareUnsigned);
        private final SpecificCharacterSet inherited;

        /** A builder for a top-level data set (default repertoire unless (0008,0005) is set). */
        public Builder() {
            this(SpecificCharacterSet.DEFAULT);
        }

        /** A builder for a sequence item that inherits its parent's character set (PS3.5 6.1.2.3). */
        public Builder(SpecificCharacterSet inherited) {
            this.inherited = inherited;
        }

        /** Adds or replaces an element. */
        public Builder add(DicomElement element) {
            map.put(element.tag(), element);
            return this;
        }

        /** Adds or replaces an element. */
        public Builder set(int tag, VR vr, Value value) {
            return add(new DicomElement(tag, vr, value));
        }

        /** Sets raw bytes (binary values in Little Endian). */
        public Builder setBytes(int tag, VR vr, byte[] bytes) {
            return set(tag, vr, Value.Bytes.of(bytes));
        }

        /** Sets text values, joined with '\' and encoded with the current character set. */
        public Builder setString(int tag, VR vr, String... values) {
            if (!vr.isString()) {
                throw new IllegalArgumentException("HZ-1921 VR " + vr + " is not a text VR for " + Tag.toString(tag));
            }
            String joined = String.join("\\", values);
            byte[] b = vr.isCharsetAffected() ? charset().encode(joined, vr == VR.PN)
                    : joined.getBytes(StandardCharsets.ISO_8859_1);
            return set(tag, vr, Value.Bytes.wrap(b));
        }

        /** Sets integer values for US, SS, UL, SL, SV, UV, or IS (as text). */
        public Builder setInt(int tag, VR vr, long... values) {
            if (vr == VR.IS || vr == VR.DS) {
                String[] s = Arrays.stream(values).mapToObj(Long::toString).toArray(String[]::new);
                return setString(tag, vr, s);
            }
            int unit = switch (vr) {
                case US, SS -> 2;
                case UL, SL -> 4;
                case SV, UV -> 8;
                default -> throw new IllegalArgumentException("HZ-1922 VR " + vr + " is not an integer VR");
            };
            ByteBuffer bb = ByteBuffer.allocate(unit * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                switch (unit) {
                    case 2 -> bb.putShort((short) v);
                    case 4 -> bb.putInt((int) v);
                    default -> bb.putLong(v);
                }
            }
            return set(tag, vr, Value.Bytes.wrap(bb.array()));
        }

        /** Sets floating point values for FL, FD, OF, OD, or DS (as text). */
        public Builder setDouble(int tag, VR vr, double... values) {
            if (vr == VR.DS) {
                String[] s = Arrays.stream(values).mapToObj(DataSet::formatDs).toArray(String[]::new);
                return setString(tag, vr, s);
            }
            boolean single = vr == VR.FL || vr == VR.OF;
            if (!single && vr != VR.FD && vr != VR.OD) {
                throw new IllegalArgumentException("HZ-1923 VR " + vr + " is not a floating point VR");
            }
            ByteBuffer bb = ByteBuffer.allocate((single ? 4 : 8) * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                if (single) {
                    bb.putFloat((float) v);
                } else {
                    bb.putDouble(v);
                }
            }
            return set(tag, vr, Value.Bytes.wrap(bb.array()));
        }

        /** Sets a sequence of items. */
        public Builder setSequence(int tag, List<DataSet> items) {
            return set(tag, VR.SQ, new Value.Sequence(items));
        }

        /** Removes an element. */
        public Builder remove(int tag) {
            map.remove(tag);
            return this;
        }

        /** True when the builder holds an element with this tag. */
        public boolean contains(int tag) {
            return map.containsKey(tag);
        }

        /** The number of elements so far. */
        public int size() {
            return map.size();
        }

        /** The character set in effect: this data set's (0008,0005) if set, else the inherited one. */
        public SpecificCharacterSet charset() {
            DicomElement cs = map.get(Tag.SpecificCharacterSet);
            if (cs == null || !(cs.value() instanceof Value.Bytes b) || b.length() == 0) {
                return inherited;
            }
            String[] terms = new String(b.unsafeArray(), StandardCharsets.ISO_8859_1).split("\\\\", -1);
            for (int i = 0; i < terms.length; i++) {
                terms[i] = terms[i].strip();
            }
            try {
                return SpecificCharacterSet.valueOf(terms);
            } catch (IllegalArgumentException unknown) {
                // An unknown defined term must not make the instance unreadable: fall back to the
                // default repertoire, as PS3.5 6.1.2.3 leaves the behaviour to the application.
                return inherited;
            }
        }

        /** The immutable data set. */
        public DataSet build() {
            int[] tags = new int[map.size()];
            DicomElement[] els = new DicomElement[map.size()];
            int i = 0;
            for (Map.Entry<Integer, DicomElement> e : map.entrySet()) {
                tags[i] = e.getKey();
                els[i++] = e.getValue();
            }
            return new DataSet(tags, els, charset());
        }
    }

    static String formatDs(double v) {
        String s = Double.toString(v);
        if (s.endsWith(".0")) {
            s = s.substring(0, s.length() - 2);
        }
        if (s.length() > 16) {
            s = String.format("%.10g", v).strip();
        }
        return s;
    }
}
