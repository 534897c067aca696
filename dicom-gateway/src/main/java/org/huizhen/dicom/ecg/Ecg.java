package org.huizhen.dicom.ecg;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One resting ECG in the hub's format-independent model: what every reader produces and what
 * measurement, screening, rendering and the DICOM writer consume.
 *
 * @param format the file format it was read from
 * @param acquired acquisition date and time (local time of the device), null when unknown
 * @param patient patient data from the file
 * @param device recording device
 * @param rhythm the rhythm (full-length) leads; always present
 * @param representativeBeat the device's median/representative beat, when the file has one
 * @param deviceMeasurements the device's own measurements (kept apart from the hub's)
 * @param deviceStatements the device's interpretation statements, in file order
 * @param sopInstanceUid the SOP Instance UID for DICOM input (null for other formats)
 */
public record Ecg(EcgFormat format, LocalDateTime acquired, EcgPatient patient, EcgDevice device,
        EcgWaveform rhythm, Optional<EcgWaveform> representativeBeat, DeviceMeasurements deviceMeasurements,
        List<String> deviceStatements, String sopInstanceUid) {

    public Ecg {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(rhythm, "rhythm");
        patient = patient == null ? EcgPatient.UNKNOWN : patient;
        device = device == null ? EcgDevice.UNKNOWN : device;
        representativeBeat = representativeBeat == null ? Optional.empty() : representativeBeat;
        deviceMeasurements = deviceMeasurements == null ? DeviceMeasurements.NONE : deviceMeasurements;
        deviceStatements = deviceStatements == null ? List.of() : List.copyOf(deviceStatements);
    }

    /** This ECG with the rhythm (and representative beat) completed by {@link DerivedLeads#complete}. */
    public Ecg withDerivedLeads() {
        return new Ecg(format, acquired, patient, device, DerivedLeads.complete(rhythm),
                representativeBeat.map(DerivedLeads::complete), deviceMeasurements, deviceStatements, sopInstanceUid);
    }
}
