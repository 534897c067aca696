package org.huizhen.storage.index;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

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

    /**
     * Stores several instances in one transaction, in list order, as if {@link #store} were called
     * for each in turn: a later record sees the earlier ones (two contents of one SOP Instance UID
     * in one list become versions 1 and 2). All or nothing: when it returns, every row is durable
     * and the outcomes are in list order; when it throws, none of the records was stored (an
     * invalid record fails the whole list with HZ-2103 before anything is written). One commit
     * (and, on H2, one file sync) for the whole list is what makes it cheaper than {@code store}
     * per record, so the background indexer uses it for what has queued up.
     *
     * <p>The default implementation is not atomic: it calls {@link #store} per record.
     */
    default List<StoreOutcome> storeAll(List<InstanceRecord> records) throws StorageException {
        List<StoreOutcome> out = new java.util.ArrayList<>(records.size());
        for (InstanceRecord r : records) {
            out.add(store(r));
        }
        return out;
    }

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

    /**
     * Answers a C-FIND / QIDO-RS query: the entities of {@code query.level()} that match every
     * key, within the institution scope, in a stable order (so that offset/limit pages neither
     * repeat nor skip rows while the data is unchanged):
     * <ul>
     *   <li>PATIENT: name (upper case), then database key;</li>
     *   <li>STUDY: Study Date newest first, Study Time newest first, then newest stored first
     *       (studies without a date last);</li>
     *   <li>SERIES: as their studies, then Series Number, then stored order;</li>
     *   <li>INSTANCE: as their series, then Instance Number, then stored order.</li>
     * </ul>
     * Only available current versions count: instances hidden by {@link #verifyBlobs} and
     * superseded versions are never returned, and an entity without any available instance below
     * it is not returned at all. Each result is of the level's {@link QueryResult} type.
     */
    List<QueryResult> query(Query query) throws StorageException;

    /**
     * {@link #query} for large results: hands each result to {@code action} as it is read
     * from a database cursor, on the calling thread, without loading them all. {@code action}
     * returns false to stop early (C-CANCEL, PS3.7 9.3.2.3); the cursor is then closed.
     *
     * @return number of results handed to {@code action}
     */
    long forEachResult(Query query, Predicate<? super QueryResult> action) throws StorageException;

    /** Number of results {@link #query} would return without the query's offset and limit (QIDO-RS paging). */
    long count(Query query) throws StorageException;

    @Override
    void close();
}
