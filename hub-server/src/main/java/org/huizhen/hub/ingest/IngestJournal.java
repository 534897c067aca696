package org.huizhen.hub.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.huizhen.storage.index.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Write-ahead journal of acknowledged instances whose index rows may not be written yet.
 *
 * <p>Why: an H2 commit costs about 2–3 ms, most of it H2's own chunk write; taking it off the
 * path between the last byte received and the C-STORE response roughly halves that latency.
 * The durability rule still holds: before the response, the blob is durable (its own
 * fdatasync and rename) and this journal holds the record durably; the index row follows in
 * the background ({@link BackgroundIndexer}) and the journal is replayed into the index at the
 * next start if the process dies first.
 *
 * <p>Format of {@code <data>/journal/ingest.wal}: records of {@code [int length][int CRC-32C of
 * payload][payload]} (big-endian), payload as {@link JournalCodec}. A torn record at the end (a
 * crash mid-append, never acknowledged) is cut off on recovery. The file is truncated to zero
 * when every appended record is indexed and it has grown past {@link #DEFAULT_TRUNCATE_BYTES}
 * (and at a clean close): truncating each time the indexer caught up cost a truncate and an
 * fdatasync per index batch. Records of instances already indexed may therefore be replayed
 * after a crash; replay is idempotent ({@code BackgroundIndexer.replay} skips a record whose
 * exact content is already a version).
 *
 * <p>Thread-safe. Appends are serialised; their fdatasyncs are shared (group commit): a caller
 * whose record was written before another caller's force started is covered by that force.
 */
final class IngestJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestJournal.class);
    private static final int MAX_RECORD = 4 << 20;
    /** Size from which a journal whose records are all indexed is truncated (about 1,000 records). */
    static final long DEFAULT_TRUNCATE_BYTES = 1L << 20;

    private final Path file;
    private final FileChannel channel;
    private final boolean fsync;
    private final long truncateBytes;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock forceLock = new ReentrantLock();
    /** Records appended and not yet reported indexed; guarded by appendLock for the zero test. */
    private long pending;
    private long written;
    private volatile long synced;

    private IngestJournal(Path file, FileChannel channel, boolean fsync, long truncateBytes) {
        this.file = file;
        this.channel = channel;
        this.fsync = fsync;
        this.truncateBytes = truncateBytes;
    }

    /** Opens (creating) the journal under {@code dataDir/journal}. */
    static IngestJournal open(Path dataDir, boolean fsync) throws IOException {
        return open(dataDir, fsync, DEFAULT_TRUNCATE_BYTES);
    }

    /**
     * As {@link #open(Path, boolean)}; a journal whose records are all indexed is truncated once
     * it holds at least {@code truncateBytes} (0: whenever everything is indexed).
     */
    static IngestJournal open(Path dataDir, boolean fsync, long truncateBytes) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("journal"));
        Path file = dir.resolve("ingest.wal");
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created && fsync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the journal's own directory entry must survive a power cut
            }
        }
        return new IngestJournal(file, ch, fsync, truncateBytes);
    }

    /**
     * Reads every complete record, cuts off a torn tail, and leaves the position at the end.
     * Called once at start, before any append.
     */
    List<InstanceRecord> recover() throws IOException {
        List<InstanceRecord> records = new ArrayList<>();
        long size = channel.size();
        long pos = 0;
        ByteBuffer head = ByteBuffer.allocate(8);
        while (pos + 8 <= size) {
            head.clear();
            channel.read(head, pos);
            head.flip();
            int len = head.getInt();
            int crc = head.getInt();
            if (len <= 0 || len > MAX_RECORD || pos + 8 + len > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            channel.read(payload, pos + 8);
            CRC32C c = new CRC32C();
            c.update(payload.array(), 0, len);
            if ((int) c.getValue() != crc) {
                break;
            }
            try {
                records.add(JournalCodec.decode(payload.array()));
            } catch (IOException | RuntimeException e) {
                LOG.error("HZ-3103 journal record at offset {} in {} cannot be decoded; stopping replay there: {}", pos, file, e.toString());
                break;
            }
            pos += 8 + len;
        }
        if (pos < size) {
            LOG.warn("journal {}: cut off {} byte(s) of an interrupted append (never acknowledged)", file, size - pos);
            channel.truncate(pos);
            if (fsync) {
                channel.force(false);
            }
        }
        channel.position(pos);
        return records;
    }

    /**
     * Appends {@code record} and returns once it is on stable storage (or, with fsync off, in
     * the OS page cache — enough for a killed process, not for a power cut).
     */
    void append(InstanceRecord record) throws IOException {
        byte[] payload = JournalCodec.encode(record);
        CRC32C c = new CRC32C();
        c.update(payload);
        ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
        buf.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
        long ticket;
        appendLock.lock();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            pending++;
            ticket = ++written;
        } finally {
            appendLock.unlock();
        }
        if (fsync) {
            forceCovering(ticket);
        }
    }

    /** Group commit: one fdatasync covers every record written before it started. */
    private void forceCovering(long ticket) throws IOException {
        forceLock.lock();
        try {
            if (synced >= ticket) {
                return;
            }
            long upTo;
            appendLock.lock();
            try {
                upTo = written;
            } finally {
                appendLock.unlock();
            }
            channel.force(false);
            synced = upTo;
        } finally {
            forceLock.unlock();
        }
    }

    /**
     * {@code n} records are now durable in the index. When nothing is pending any more and the
     * journal has reached its truncation size, it is emptied.
     */
    void indexed(int n) throws IOException {
        indexed(n, truncateBytes);
    }

    private void indexed(int n, long truncateAt) throws IOException {
        appendLock.lock();
        try {
            pending -= n;
            long size = channel.size();
            if (pending == 0 && size > 0 && size >= truncateAt) {
                channel.truncate(0);
                channel.position(0);
                if (fsync) {
                    channel.force(false);
                }
            }
        } finally {
            appendLock.unlock();
        }
    }

    /** Empties the journal after its recovered records were replayed into the index. */
    void clear() throws IOException {
        indexed(0, 0);
    }

    /** Records appended and not yet indexed. */
    long pending() {
        appendLock.lock();
        try {
            return pending;
        } finally {
            appendLock.unlock();
        }
    }

    /** Closes the journal, emptied first when every record is indexed (a clean stop replays nothing). */
    @Override
    public void close() throws IOException {
        try {
            if (channel.isOpen()) {
                indexed(0, 0);
            }
        } finally {
            channel.close();
        }
    }
}
