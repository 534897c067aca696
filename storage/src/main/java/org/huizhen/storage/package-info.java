/**
 * Public storage API: the content-addressed {@link org.huizhen.storage.BlobStore}, its ids
 * ({@link org.huizhen.storage.BlobId}, SHA-256) and errors ({@link org.huizhen.storage.StorageException},
 * codes {@code HZ-2xxx}). Knows nothing of DICOM or networking: data comes in as bytes and records.
 */
package org.huizhen.storage;
