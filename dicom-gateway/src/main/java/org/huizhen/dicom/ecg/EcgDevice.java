package org.huizhen.dicom.ecg;

/**
 * The recording device as the file describes it; any field may be null.
 *
 * @param manufacturer maker ("GE Healthcare", "Mortara", "Healforce")
 * @param model model name
 * @param serialNumber device serial number
 * @param software software/firmware version
 */
public record EcgDevice(String manufacturer, String model, String serialNumber, String software) {
    /** Nothing known. */
    public static final EcgDevice UNKNOWN = new EcgDevice(null, null, null, null);
}
