package org.huizhen.hub.query;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.huizhen.dicom.data.Tag;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.QueryResult;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;

/**
 * The attribute values the index can return for a query result, keyed by tag, in DICOM string
 * form (DA {@code YYYYMMDD}, TM {@code HHMMSS.FFFFFF}, multi-values joined with '\'), per the
 * return keys of PS3.4 C.6.1.1 (Patient Root) and C.6.2.1 (Study Root), including the
 * "Number of ... Related ..." attributes of C.3.
 *
 * <p>Stateless; thread-safe.
 */
final class QueryAttributes {
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss.SSSSSS");

    private QueryAttributes() {
    }

    static Map<Integer, String> of(QueryResult result) {
        Map<Integer, String> v = new HashMap<>();
        switch (result) {
            case QueryResult.PatientResult p -> {
                patient(v, p.patient());
                put(v, Tag.NumberOfPatientRelatedStudies, String.valueOf(p.studyCount()));
                put(v, Tag.NumberOfPatientRelatedSeries, String.valueOf(p.seriesCount()));
                put(v, Tag.NumberOfPatientRelatedInstances, String.valueOf(p.instanceCount()));
            }
            case QueryResult.StudyResult s -> {
                patient(v, s.patient());
                study(v, s.study().study());
                put(v, Tag.ModalitiesInStudy, String.join("\\", s.study().modalities()));
                put(v, Tag.NumberOfStudyRelatedSeries, String.valueOf(s.study().seriesCount()));
                put(v, Tag.NumberOfStudyRelatedInstances, String.valueOf(s.study().instanceCount()));
            }
            case QueryResult.SeriesResult s -> {
                put(v, Tag.PatientID, s.patientId());
                put(v, Tag.IssuerOfPatientID, s.issuer());
                put(v, Tag.StudyInstanceUID, s.studyInstanceUid());
                series(v, s.series().series());
                put(v, Tag.NumberOfSeriesRelatedInstances, String.valueOf(s.series().instanceCount()));
            }
            case QueryResult.InstanceResult i -> {
                put(v, Tag.PatientID, i.instance().patientId());
                put(v, Tag.IssuerOfPatientID, i.instance().issuer());
                put(v, Tag.StudyInstanceUID, i.studyInstanceUid());
                put(v, Tag.SeriesInstanceUID, i.seriesInstanceUid());
                put(v, Tag.SOPInstanceUID, i.sopInstanceUid());
                put(v, Tag.SOPClassUID, i.instance().sopClassUid());
                put(v, Tag.InstanceNumber, i.instance().instanceNumber() == null ? null : String.valueOf(i.instance().instanceNumber()));
                put(v, Tag.AvailableTransferSyntaxUID, i.instance().transferSyntaxUid());
            }
        }
        return v;
    }

    private static void patient(Map<Integer, String> v, PatientData p) {
        put(v, Tag.PatientID, p.patientId());
        put(v, Tag.IssuerOfPatientID, p.issuer());
        put(v, Tag.PatientName, p.name() == null ? null : p.name().text());
        put(v, Tag.PatientBirthDate, date(p.birthDate()));
        put(v, Tag.PatientSex, p.sex());
    }

    private static void study(Map<Integer, String> v, StudyData s) {
        put(v, Tag.StudyInstanceUID, s.studyInstanceUid());
        put(v, Tag.StudyDate, date(s.studyDate()));
        put(v, Tag.StudyTime, s.studyTime() == null ? null : TM.format(s.studyTime()));
        put(v, Tag.AccessionNumber, s.accessionNumber());
        put(v, Tag.StudyID, s.studyId());
        put(v, Tag.StudyDescription, s.description());
        put(v, Tag.ReferringPhysicianName, s.referringPhysician());
    }

    private static void series(Map<Integer, String> v, SeriesData s) {
        put(v, Tag.SeriesInstanceUID, s.seriesInstanceUid());
        put(v, Tag.Modality, s.modality());
        put(v, Tag.SeriesNumber, s.seriesNumber() == null ? null : String.valueOf(s.seriesNumber()));
        put(v, Tag.BodyPartExamined, s.bodyPartExamined());
        put(v, Tag.SeriesDescription, s.description());
    }

    private static String date(LocalDate d) {
        return d == null ? null : DA.format(d);
    }

    private static void put(Map<Integer, String> v, int tag, String value) {
        if (value != null) {
            v.put(tag, value);
        }
    }
}
