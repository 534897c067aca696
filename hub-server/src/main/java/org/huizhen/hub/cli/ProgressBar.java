package org.huizhen.hub.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress line on stderr for long CLI work: done/total items, bytes, rate and time left.
 * On a terminal it redraws one line (carriage return) at most 10 times a second; otherwise
 * (logs, CI) it prints a plain line at most every 2 seconds, so logs stay readable.
 *
 * <p>Thread-safe: workers call {@link #advance} concurrently.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastDrawNanos;

    ProgressBar(PrintStream out, String label, long total, boolean terminal) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
    }

    static ProgressBar onStderr(String label, long total) {
        return new ProgressBar(System.err, label, total, System.console() != null);
    }

    /** One more item done, of {@code size} bytes. */
    void advance(long size) {
        long d = done.incrementAndGet();
        bytes.addAndGet(size);
        long now = System.nanoTime();
        long gap = terminal ? 100_000_000L : 2_000_000_000L;
        if (d == total || now - lastDrawNanos >= gap) {
            synchronized (this) {
                if (d == total || now - lastDrawNanos >= gap) {
                    lastDrawNanos = now;
                    draw(false);
                }
            }
        }
    }

    String line() {
        long d = done.get();
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double rate = d / secs;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(1.0, (double) d / total));
        String eta = rate > 0 && d < total ? formatSeconds((long) ((total - d) / rate)) : "0:00";
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.1f MB  %.1f/s  %.1f MB/s  ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), d, total, bytes.get() / 1e6, rate,
                bytes.get() / 1e6 / secs, eta);
    }

    private synchronized void draw(boolean last) {
        if (terminal) {
            out.print("\r" + line() + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line());
        }
        out.flush();
    }

    private static String formatSeconds(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        draw(true);
    }
}
