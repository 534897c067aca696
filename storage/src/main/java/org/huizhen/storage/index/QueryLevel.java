package org.huizhen.storage.index;

/**
 * Query/Retrieve Level (0008,0052) of a {@link Query}: the level whose entities are returned
 * (PS3.4 C.3: the patient, study, series and composite object instance levels; "IMAGE" in
 * DIMSE is {@link #INSTANCE}). Declared top-down, so {@code ordinal()} is the depth.
 */
public enum QueryLevel {
    PATIENT,
    STUDY,
    SERIES,
    INSTANCE;

    /** True if this level lies below {@code other} in the hierarchy (SERIES is below STUDY). */
    public boolean isBelow(QueryLevel other) {
        return ordinal() > other.ordinal();
    }
}
