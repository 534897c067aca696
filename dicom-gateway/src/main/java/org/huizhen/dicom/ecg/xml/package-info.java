/**
 * The XML ECG formats, each an {@link org.huizhen.dicom.ecg.EcgFileReader} registered in
 * {@link org.huizhen.dicom.ecg.EcgReaders}: HL7 v3 Annotated ECG ({@link org.huizhen.dicom.ecg.xml.Hl7AecgReader};
 * ANSI/HL7 V3 ECG R1-2004 and the HL7 aECG Implementation Guide of 21 March 2005), GE MUSE RestingECG
 * ({@link org.huizhen.dicom.ecg.xml.GeMuseXmlReader}) and Philips Sierra ECG XML 1.03/1.04
 * ({@link org.huizhen.dicom.ecg.xml.PhilipsSierraXmlReader}, whose XLI compression
 * {@link org.huizhen.dicom.ecg.xml.XliDecoder} follows the public reverse-engineered description of
 * sierra-ecg-tools).
 *
 * <p>All parsing goes through {@link org.huizhen.dicom.ecg.xml.SafeXml}: no DTD is loaded, no external
 * entity resolved, no entity declaration accepted, nesting and size are capped. Readers are stateless
 * and thread-safe.
 */
package org.huizhen.dicom.ecg.xml;
