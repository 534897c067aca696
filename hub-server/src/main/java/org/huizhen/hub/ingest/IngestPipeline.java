package org.huizhen.hub.ingest;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.MetadataIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest side of a hub node: journal, background indexer and the C-STORE handler, opened
 * and closed together. {@link #open} replays what a crashed run left in the journal before
 * anything is received; {@link #readView} is the index as readers must see it (every
 * acknowledged instance included).
 *
 * <p>Thread-safe.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);
    /** Index methods that read; before each, the view waits until acknowledged instances are indexed. */
    private static final Set<String> NO_WAIT = Set.of("store", "storeAll", "close", "toString", "hashCode", "equals");
    private static final Duration READ_WAIT = Duration.ofSeconds(30);

    private final IngestJournal journal;
    private final BackgroundIndexer background;
    private final IngestService service;
    private final MetadataIndex readView;

    private IngestPipeline(IngestJournal journal, BackgroundIndexer background, IngestService service, MetadataIndex readView) {
        this.journal = journal;
        this.background = background;
        this.service = service;
        this.readView = readView;
    }

    /**
     * Opens the journal under {@code dataDir}, replays any records a crash left there into the
     * index, and starts the background indexer.
     */
    public static IngestPipeline open(Path dataDir, boolean fsync, BlobStore blobs, MetadataIndex index,
                                      InstanceIndexer indexer, Executor workers) throws IOException, StorageException {
        IngestJournal journal = IngestJournal.open(dataDir, fsync);
        try {
            replayInto(journal, index);
        } catch (IOException | StorageException | RuntimeException e) {
            journal.close();
            throw e;
        }
        BackgroundIndexer background = new BackgroundIndexer(index, journal, 2);
        IngestService service = new IngestService(blobs, journal, background, indexer, workers);
        MetadataIndex view = (MetadataIndex) Proxy.newProxyInstance(MetadataIndex.class.getClassLoader(),
                new Class<?>[] {MetadataIndex.class}, waitingHandler(index, background));
        return new IngestPipeline(journal, background, service, view);
    }

    /**
     * Replays a stopped hub's journal into its index (used by tools such as {@code export} that
     * open a data directory directly). Returns the number of records indexed.
     */
    public static int replayJournal(Path dataDir, MetadataIndex index, boolean fsync) throws IOException, StorageException {
        try (IngestJournal journal = IngestJournal.open(dataDir, fsync)) {
            return replayInto(journal, index);
        }
    }

    private static int replayInto(IngestJournal journal, MetadataIndex index) throws IOException, StorageException {
        List<InstanceRecord> recovered = journal.recover();
        if (recovered.isEmpty()) {
            return 0;
        }
        int n = BackgroundIndexer.replay(index, recovered);
        journal.clear();
        LOG.warn("start-up recovery: journal held {} acknowledged instance(s); {} were not yet indexed and are now",
                recovered.size(), n);
        return n;
    }

    private static InvocationHandler waitingHandler(MetadataIndex index, BackgroundIndexer background) {
        return (proxy, method, args) -> {
            if (!NO_WAIT.contains(method.getName()) && !background.awaitIdle(READ_WAIT)) {
                LOG.warn("index read while the background indexer is more than {} s behind", READ_WAIT.toSeconds());
            }
            try {
                return method.invoke(index, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }

    /** The C-STORE handler. */
    public IngestService service() {
        return service;
    }

    /** The index as readers must see it: each read first waits until acknowledged instances are indexed. */
    public MetadataIndex readView() {
        return readView;
    }

    /** Indexes what is queued, then closes the journal (emptied when everything was indexed). */
    @Override
    public void close() throws InterruptedException, IOException {
        background.close();
        journal.close();
    }
}
