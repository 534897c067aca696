/**
 * The metadata index API: {@link org.huizhen.storage.index.MetadataIndex} and the records that cross
 * it (institution / patient / study / series / instance data, origin, versions, filters, reports),
 * and the query criteria and results of C-FIND and QIDO-RS ({@link org.huizhen.storage.index.Query},
 * {@link org.huizhen.storage.index.Match}, {@link org.huizhen.storage.index.QueryKey},
 * {@link org.huizhen.storage.index.QueryResult}); and the ECG records kept beside their DICOM
 * instances ({@link org.huizhen.storage.index.EcgIndex}, {@link org.huizhen.storage.index.EcgRecord}).
 */
package org.huizhen.storage.index;
