/**
 * HL7 FHIR R4 face of the hub (HAPI FHIR plain server). Empty until the reporting and
 * results issues: providers will live in {@code fhir.provider}, pure record-to-FHIR mappers
 * in {@code fhir.mapping}, and the repository interfaces they need in {@code fhir.port}.
 */
package org.huizhen.fhir;
