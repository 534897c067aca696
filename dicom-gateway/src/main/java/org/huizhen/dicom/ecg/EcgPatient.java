package org.huizhen.dicom.ecg;

import java.time.LocalDate;

/**
 * Patient data as the ECG file carries it; any field may be null (files often strip them).
 *
 * @param id patient ID in the recording device / clinic
 * @param name name as written in the file (family^given for DICOM style)
 * @param sex "M", "F", "O" or null
 * @param birthDate date of birth
 * @param ageYears age at acquisition when the file gives an age instead of a birth date
 */
public record EcgPatient(String id, String name, String sex, LocalDate birthDate, Integer ageYears) {
    /** No patient data. */
    public static final EcgPatient UNKNOWN = new EcgPatient(null, null, null, null, null);
}
