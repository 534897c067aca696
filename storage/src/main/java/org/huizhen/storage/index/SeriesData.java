package org.huizhen.storage.index;

import java.util.Objects;

/**
 * Series attributes of one instance; like the study, updated with non-null values only.
 *
 * @param seriesInstanceUid Series Instance UID (0020,000E); required
 * @param modality          Modality (0008,0060), or null
 * @param seriesNumber      Series Number (0020,0011), or null
 * @param bodyPartExamined  Body Part Examined (0018,0015), or null
 * @param description       Series Description (0008,103E), or null
 */
public record SeriesData(String seriesInstanceUid, String modality, Integer seriesNumber, String bodyPartExamined,
                         String description) {

    public SeriesData {
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
    }
}
