package org.huizhen.storage.index;

/** How an instance reached the hub (recorded with every stored version). */
public enum Protocol {
    /** DICOM C-STORE (PS3.7 9.1.1). */
    DIMSE,
    /** DICOMweb STOW-RS (PS3.18 10.5). */
    STOW_RS,
    /** Upload through the web portal or REST API. */
    UPLOAD,
    /** Imported by the command-line tool. */
    CLI
}
