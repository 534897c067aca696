package org.huizhen.storage.index;

import java.util.Objects;

/** Everything the index stores for one received instance. Immutable. */
public record InstanceRecord(Origin origin, PatientData patient, StudyData study, SeriesData series,
                             InstanceData instance) {

    public InstanceRecord {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(instance, "instance");
    }
}
