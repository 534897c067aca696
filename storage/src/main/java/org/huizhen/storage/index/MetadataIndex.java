package org.huizhen.storage.index;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;

/**
 * The metadata index: institution, patient, study, series, instance rows and each instance's
 * version history, in a relational database. Patients are per institution and never merged here.
 *
 * <p>Ingest order (DESIGN.md): write and commit the blob first, then {@link #store}; when
 * {@code store} returns, the row is durable; if it throws, the caller removes the blob
 * (unless the outcome would have been a duplicate of an existing blob).
 *
 * <p>Rows whose blob was found missing by {@link #verifyBlobs} are unavailable: the read methods
 * skip them until the blob is back.
 *
 * <p>Threading: implementations are thread-safe; concurrent {@code store} calls into one study
 * do not fail on unique-key races.
 */
public interface MetadataIndex extends AutoCloseable {

    /** Stores one instance in one transaction; durable when it returns. */
    StoreOutcome store(InstanceRecord record) throws StorageException;

    /** The current version of an instance, if stored and available. */
    Optional<StoredInstance> findInstance(String sopInstanceUid) throws StorageException;

    /** Available instances of a study, ordered by series number, instance number, SOP Instance UID. */
    List<StoredInstance> instancesOfStudy(String studyInstanceUid) throws StorageException;

    /** All versions of an instance, oldest first; empty if never stored. */
    List<InstanceVersion> versionsOf(String sopInstanceUid) throws StorageException;

    /** Replacements of an instance (NEW_VERSION events), oldest first. */
    List<VersionEvent> versionEventsOf(String sopInstanceUid) throws StorageException;

    /**
     * Streams matching available instances to {@code action} without loading them all (for export).
     * The action runs on the calling thread while a database cursor is open; it should not block for long.
     */
    void forEachInstance(InstanceFilter filter, Consumer<StoredInstance> action) throws StorageException;

    /** Number of instances (current versions, available or not). */
    long instanceCount() throws StorageException;

    /** One institution's patient record, if known; {@code issuer} null matches records without an issuer. */
    Optional<PatientRecord> findPatient(String institutionId, String patientId, String issuer) throws StorageException;

    /** A study with derived counts, if known. */
    Optional<StudySummary> findStudy(String studyInstanceUid) throws StorageException;

    /** Series of a study that have available instances, ordered by series number then UID. */
    List<SeriesSummary> seriesOfStudy(String studyInstanceUid) throws StorageException;

    /**
     * Checks that the blob of every current instance exists. Rows whose blob is missing are
     * reported and marked unavailable so they are not served; rows whose blob is back are
     * marked available again.
     */
    IntegrityReport verifyBlobs(BlobStore blobs) throws StorageException;

    @Override
    void close();
}
