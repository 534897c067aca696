package org.huizhen.storage;

/**
 * A failure of the blob store or the metadata index. Every message starts with a unique
 * code ({@code HZ-2xxx}) so that a log line or an API error can be searched for.
 *
 * <p>Codes in use:
 * <ul>
 *   <li>{@code HZ-2001} malformed blob id</li>
 *   <li>{@code HZ-2002} blob not found ({@link NoSuchBlobException})</li>
 *   <li>{@code HZ-2003} writing a blob failed</li>
 *   <li>{@code HZ-2004} reading a blob failed</li>
 *   <li>{@code HZ-2005} range outside the blob</li>
 *   <li>{@code HZ-2006} blob writer used after commit or close</li>
 *   <li>{@code HZ-2007} blob store closed</li>
 *   <li>{@code HZ-2008} start-up recovery failed</li>
 *   <li>{@code HZ-2009} removing a blob failed</li>
 *   <li>{@code HZ-2101} index database error</li>
 *   <li>{@code HZ-2102} index transaction still conflicting after all retries</li>
 *   <li>{@code HZ-2103} invalid instance record</li>
 *   <li>{@code HZ-2104} schema migration failed</li>
 *   <li>{@code HZ-2105} index database could not be opened</li>
 *   <li>{@code HZ-2106} blob verification failed</li>
 *   <li>{@code HZ-2107} index closed</li>
 *   <li>{@code HZ-2120} invalid ECG record, {@code HZ-2121} invalid ECG query (thrown as
 *       {@link IllegalArgumentException} by {@code EcgRecord} / {@code EcgQuery})</li>
 * </ul>
 *
 * <p>Immutable; safe to share between threads.
 */
public class StorageException extends Exception {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
