package org.huizhen.hub.ingest;

import java.util.concurrent.atomic.LongAdder;

/** Counters of C-STORE outcomes since start, for the health endpoint and logs. Thread-safe. */
public final class IngestStats {
    private final LongAdder success = new LongAdder();
    private final LongAdder warning = new LongAdder();
    private final LongAdder failure = new LongAdder();

    void count(int status) {
        if (status == 0) {
            success.increment();
        } else if ((status & 0xF000) == 0xB000) {
            warning.increment();
        } else {
            failure.increment();
        }
    }

    public long successes() {
        return success.sum();
    }

    public long warnings() {
        return warning.sum();
    }

    public long failures() {
        return failure.sum();
    }
}
