/**
 * Blob store implementations: {@link org.huizhen.storage.blob.FileSystemBlobStore} (temp file, fsync,
 * atomic rename, fsync of the directory) and {@link org.huizhen.storage.blob.InMemoryBlobStore}.
 */
package org.huizhen.storage.blob;
