package org.huizhen.storage.index.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for a file's fdatasync: callers that finished writing while another caller's
 * force was waiting are covered by the next single force instead of one each. A caller takes
 * a ticket after its own write has completed; a force started after a ticket was issued covers
 * that ticket's write, so {@link #sync()} returns only once the caller's bytes are on stable
 * storage.
 *
 * <p>Thread-safe. With one writer at a time it costs exactly one force per call, as before.
 */
final class GroupSync {
    private final FileChannel channel;
    private final ReentrantLock forceLock = new ReentrantLock();
    private long issued;
    private volatile long synced;

    GroupSync(FileChannel channel) {
        this.channel = channel;
    }

    /** Returns once everything written before this call is forced; may force for others too. */
    void sync() throws IOException {
        long ticket;
        synchronized (this) {
            ticket = ++issued;
        }
        forceLock.lock();
        try {
            if (synced >= ticket) {
                return; // a force that started after our ticket already covered our write
            }
            long upTo;
            synchronized (this) {
                upTo = issued;
            }
            channel.force(false);
            synced = upTo;
        } finally {
            forceLock.unlock();
        }
    }
}
