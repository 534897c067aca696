package org.huizhen.storage.index;

import java.util.List;
import java.util.Optional;

import org.huizhen.storage.StorageException;

/**
 * The ECG records of the index ({@link EcgRecord}, table {@code ecg_record}). A record is written
 * once, after the ECG's original blob and DICOM instance are durable; when {@link #insert}
 * returns true the row is durable (same rule as {@link MetadataIndex#store}).
 *
 * <p>Threading: implementations are thread-safe; two concurrent inserts of one id store one row.
 */
public interface EcgIndex {

    /**
     * Stores {@code record} unless a record with its id exists.
     *
     * @return true if stored now, false if the id was already there (the stored one is unchanged)
     */
    boolean insert(EcgRecord record) throws StorageException;

    /** The record with this id (SOP Instance UID), if any. */
    Optional<EcgRecord> find(String id) throws StorageException;

    /** Records matching {@code query}, newest stored first (ties by id), at most {@code query.limit()}. */
    List<EcgRecord> list(EcgQuery query) throws StorageException;
}
