package org.huizhen.storage.index;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Patient attributes of one instance. A patient is identified by (institution, patient ID,
 * issuer): records of one person from two institutions are two patients here; linking them is
 * the master patient index's job, never the storage's.
 *
 * @param patientId   Patient ID (0010,0020); required, may be empty
 * @param issuer      Issuer of Patient ID (0010,0021), or null
 * @param name        Patient's Name (0010,0010), or null
 * @param birthDate   Patient's Birth Date (0010,0030), or null
 * @param sex         Patient's Sex (0010,0040): {@code M}, {@code F}, {@code O}, or null
 */
public record PatientData(String patientId, String issuer, PatientName name, LocalDate birthDate, String sex) {

    public PatientData {
        Objects.requireNonNull(patientId, "patientId");
    }
}
