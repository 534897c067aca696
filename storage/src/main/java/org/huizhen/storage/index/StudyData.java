package org.huizhen.storage.index;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Objects;

/**
 * Study attributes of one instance. A later instance of the same study updates the study row
 * with its non-null values and never erases a known value with null.
 *
 * @param studyInstanceUid   Study Instance UID (0020,000D); required
 * @param studyDate          Study Date (0008,0020), or null
 * @param studyTime          Study Time (0008,0030), or null
 * @param accessionNumber    Accession Number (0008,0050), or null
 * @param studyId            Study ID (0020,0010), or null
 * @param description        Study Description (0008,1030), or null
 * @param referringPhysician Referring Physician's Name (0008,0090) as decoded text, or null
 */
public record StudyData(String studyInstanceUid, LocalDate studyDate, LocalTime studyTime, String accessionNumber,
                        String studyId, String description, String referringPhysician) {

    public StudyData {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
    }
}
