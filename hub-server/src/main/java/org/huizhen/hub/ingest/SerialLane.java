package org.huizhen.hub.ingest;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs submitted tasks one after another, in submission order, on a shared executor — a
 * private queue per instance being received, so one instance's blocking file writes stay in
 * order while many instances progress in parallel on virtual threads, and no event-loop
 * thread ever blocks (DESIGN.md: blocking work off the event loop).
 *
 * <p>Thread-safe: {@link #execute} may be called from any thread.
 */
final class SerialLane implements Executor {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SerialLane.class);
    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialLane(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                // A task must handle its own failures; one that did not must not stall the lane.
                LOG.error("HZ-3001 ingest task failed unexpectedly", e);
            }
        }
    }
}
