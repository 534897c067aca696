package org.huizhen.hub.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Collects the formatted log messages of one logger (and its children) of an in-process hub,
 * so a test can wait for a message such as {@code HZ-2900} instead of sleeping.
 *
 * <p>Thread-safe: loggers append from any thread; {@link #await} blocks on a condition that
 * every append signals.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing {@code loggerName}; {@link #close()} detaches. */
    public static LogCapture of(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        LogCapture capture = new LogCapture(logger);
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getLevel() + " " + event.getFormattedMessage());
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Messages so far, each prefixed with its level. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Waits at most {@code timeout} for a message matching {@code match}; empty on timeout. */
    public Optional<String> await(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Optional<String> found = messages.stream().filter(match).findFirst();
                long left = deadline - System.nanoTime();
                if (found.isPresent() || left <= 0) {
                    return found;
                }
                appended.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
