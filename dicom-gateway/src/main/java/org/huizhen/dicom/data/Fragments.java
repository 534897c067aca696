package org.huizhen.dicom.data;

import java.util.List;

/**
 * Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by the fragment
 * items, each kept as it was encoded (no decompression). Each item is {@link Value.Bytes} or,
 * for large fragments read from a file, a {@link BulkData} reference.
 *
 * <p>Immutable; thread-safe.
 *
 * @param items the items in order; the first is the Basic Offset Table (possibly empty)
 */
public record Fragments(List<Value> items) implements Value {

    public Fragments {
        items = List.copyOf(items);
        for (Value v : items) {
            if (!(v instanceof Value.Bytes) && !(v instanceof BulkData)) {
                throw new IllegalArgumentException("HZ-1902 a fragment must be bytes or a bulk data reference, not " + v);
            }
        }
    }

    /** The Basic Offset Table item (empty when the encoder left it empty). */
    public Value basicOffsetTable() {
        return items.isEmpty() ? Value.Bytes.EMPTY : items.get(0);
    }

    /** The fragments after the Basic Offset Table. */
    public List<Value> fragments() {
        return items.isEmpty() ? List.of() : items.subList(1, items.size());
    }

    @Override
    public long length() {
        return -1;
    }
}
