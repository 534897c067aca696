package org.huizhen.dicom.ecg;

/** The file formats the hub reads ECGs from. */
public enum EcgFormat {
    /** DICOM 12-Lead ECG or General ECG Waveform Storage (PS3.3 A.34.3, A.34.4). */
    DICOM("application/dicom"),
    /** HL7 v3 Annotated ECG (AnnotatedECG XML, urn:hl7-org:v3). */
    HL7_AECG("application/xml"),
    /** SCP-ECG (EN 1064 / ISO 11073-91064). */
    SCP_ECG("application/octet-stream"),
    /** GE MUSE RestingECG XML export. */
    GE_MUSE_XML("application/xml"),
    /** Philips PageWriter "Sierra ECG" XML (restingecgdata). */
    PHILIPS_SIERRA_XML("application/xml");

    private final String mediaType;

    EcgFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type the original file is served back with. */
    public String mediaType() {
        return mediaType;
    }
}
