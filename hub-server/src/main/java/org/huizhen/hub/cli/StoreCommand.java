package org.huizhen.hub.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.net.ClientAssociation;
import org.huizhen.dicom.net.DicomClient;
import org.huizhen.dicom.net.PresentationContextProposal;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code huizhen store FILES|DIRS... --to AET@HOST:PORT}: a C-STORE SCU (PS3.4 B.2) for Part 10
 * files, with a progress bar, several associations at once and a summary.
 *
 * <p>Each file's data set is sent as it is stored on disk when the peer accepts the file's
 * transfer syntax (the data set bytes stream from the file, never whole in the heap). Each
 * (SOP class, transfer syntax) pair gets its own presentation context that also offers
 * Explicit and Implicit VR Little Endian for native data, so a peer that accepts only those
 * still gets the file, transcoded. Files that are not DICOM are reported and skipped.
 *
 * <p>Threading: one platform thread per association pulls files from a shared queue; counts
 * are thread-safe adders.
 */
@Command(name = "store", mixinStandardHelpOptions = true, description = "Send DICOM files to a peer with C-STORE.")
public final class StoreCommand implements Callable<Integer> {
    /** PS3.8 9.3.2.2: at most 128 presentation contexts (odd IDs 1..255) per association. */
    private static final int MAX_CONTEXTS = 128;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "Files, or directories searched recursively.")
    List<Path> inputs;
    @Option(names = "--to", required = true, paramLabel = "AET@HOST:PORT", converter = Peer.Converter.class, description = "The receiving peer.")
    Peer peer;
    @Option(names = {"-j", "--concurrency"}, paramLabel = "N", defaultValue = "2", description = "Associations at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;
    @Mixin
    ScuOptions scu;

    /** A file to send, from its header. */
    record Item(Path file, String sopClass, String sopInstance, TransferSyntax ts, long dataSetOffset, long size) {
        String contextKey() {
            return sopClass + "|" + ts.uid();
        }
    }

    private final LongAdder success = new LongAdder();
    private final LongAdder warning = new LongAdder();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || concurrency > 64) {
            System.err.println("huizhen store: --concurrency must be 1..64");
            return Main.EXIT_USAGE;
        }
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                try (Stream<Path> s = Files.walk(in)) {
                    s.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(in)) {
                files.add(in);
            } else {
                System.err.println("huizhen store: no such file or directory: " + in);
                return Main.EXIT_USAGE;
            }
        }
        List<Item> items = new ArrayList<>();
        long totalBytes = 0;
        for (Path f : files) {
            try {
                Part10File h = Part10.readHeader(f, DecodeLimits.DEFAULT);
                long size = Files.size(f);
                items.add(new Item(f, h.meta().mediaStorageSopClassUid(), h.meta().mediaStorageSopInstanceUid(),
                        h.transferSyntax(), h.dataSetOffset(), size));
                totalBytes += size;
            } catch (IOException e) {
                failures.add(f + ": not sent, not a readable DICOM Part 10 file (" + e.getMessage() + ")");
            }
        }
        System.err.printf("huizhen store: %d DICOM file(s), %.1f MB, to %s over %d association(s)%n",
                items.size(), totalBytes / 1e6, peer, Math.min(concurrency, Math.max(1, items.size())));
        long start = System.nanoTime();
        int exit = 0;
        try (ProgressBar progress = ProgressBar.onStderr("storing", items.size())) {
            for (List<Item> batch : batches(items)) {
                int r = sendBatch(batch, progress);
                exit = Math.max(exit, r);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("Stored %d of %d file(s) in %.1f s: %d success, %d warning, %d failed%n",
                success.sum() + warning.sum(), files.size(), secs, success.sum(), warning.sum(), failures.size());
        synchronized (failures) {
            failures.stream().limit(50).forEach(f -> System.out.println("  FAILED " + f));
            if (failures.size() > 50) {
                System.out.println("  ... and " + (failures.size() - 50) + " more");
            }
        }
        if (exit == Main.EXIT_UNAVAILABLE && success.sum() + warning.sum() == 0) {
            return Main.EXIT_UNAVAILABLE;
        }
        return failures.isEmpty() ? 0 : Main.EXIT_PARTIAL;
    }

    /** Groups files so that no association needs more than 128 presentation contexts. */
    private static List<List<Item>> batches(List<Item> items) {
        Map<String, List<Item>> byContext = new LinkedHashMap<>();
        for (Item it : items) {
            byContext.computeIfAbsent(it.contextKey(), k -> new ArrayList<>()).add(it);
        }
        List<List<Item>> batches = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        int contexts = 0;
        for (List<Item> group : byContext.values()) {
            if (contexts == MAX_CONTEXTS) {
                batches.add(current);
                current = new ArrayList<>();
                contexts = 0;
            }
            current.addAll(group);
            contexts++;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private int sendBatch(List<Item> batch, ProgressBar progress) throws InterruptedException {
        Set<String> keys = new LinkedHashSet<>();
        List<PresentationContextProposal> proposals = new ArrayList<>();
        for (Item it : batch) {
            if (keys.add(it.contextKey())) {
                List<String> tss = new ArrayList<>(List.of(it.ts().uid()));
                if (it.ts().isNative()) {
                    for (String alt : List.of(EchoCommand.EXPLICIT_LE, EchoCommand.IMPLICIT_LE)) {
                        if (!tss.contains(alt)) {
                            tss.add(alt);
                        }
                    }
                }
                proposals.add(new PresentationContextProposal(it.sopClass(), tss));
            }
        }
        ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>(batch);
        int workers = Math.min(concurrency, batch.size());
        List<Thread> threads = new ArrayList<>();
        int[] results = new int[workers];
        for (int w = 0; w < workers; w++) {
            int slot = w;
            threads.add(Thread.ofPlatform().name("store-" + w).start(() -> results[slot] = worker(queue, proposals, progress)));
        }
        for (Thread t : threads) {
            t.join();
        }
        int r = 0;
        for (int x : results) {
            r = Math.max(r, x);
        }
        return r;
    }

    /** One association: sends queued files until the queue is empty. Returns an exit code. */
    private int worker(ConcurrentLinkedQueue<Item> queue, List<PresentationContextProposal> proposals, ProgressBar progress) {
        ClientAssociation assoc = null;
        int reconnects = 0;
        try {
            Item it;
            while ((it = queue.poll()) != null) {
                if (assoc == null) {
                    try {
                        assoc = DicomClient.connect(scu.clientConfig(peer), proposals).get(scu.timeoutSeconds + 5L, TimeUnit.SECONDS);
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                        failures.add(it.file() + ": cannot associate with " + peer + ": " + ScuErrors.describe(cause));
                        progress.advance(it.size());
                        drainAsFailed(queue, "not sent: no association", progress);
                        return Main.EXIT_UNAVAILABLE;
                    }
                }
                try {
                    sendOne(assoc, it);
                } catch (ExecutionException e) {
                    failures.add(it.file() + ": " + ScuErrors.describe(e.getCause()));
                    if (!assoc.association().channel().isActive() && reconnects++ < 3) {
                        assoc = null; // aborted by the peer: try a fresh association for the rest
                    } else if (!assoc.association().channel().isActive()) {
                        progress.advance(it.size());
                        drainAsFailed(queue, "not sent: association lost", progress);
                        return Main.EXIT_UNAVAILABLE;
                    }
                } catch (IOException | java.util.concurrent.TimeoutException e) {
                    failures.add(it.file() + ": " + e.getMessage());
                }
                progress.advance(it.size());
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_UNAVAILABLE;
        } finally {
            if (assoc != null) {
                try {
                    assoc.release().get(scu.timeoutSeconds, TimeUnit.SECONDS);
                } catch (Exception e) {
                    assoc.abort();
                }
            }
        }
    }

    private void drainAsFailed(ConcurrentLinkedQueue<Item> queue, String why, ProgressBar progress) {
        Item rest;
        while ((rest = queue.poll()) != null) {
            failures.add(rest.file() + ": " + why);
            progress.advance(rest.size());
        }
    }

    private void sendOne(ClientAssociation assoc, Item it)
            throws IOException, ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        String accepted = assoc.acceptedTransferSyntax(it.sopClass(), it.ts().uid(), EchoCommand.EXPLICIT_LE, EchoCommand.IMPLICIT_LE)
                .orElse(null);
        if (accepted == null) {
            failures.add(it.file() + ": peer accepted no presentation context for SOP class " + it.sopClass()
                    + " in " + it.ts().uid());
            return;
        }
        DataSetSource source = accepted.equals(it.ts().uid())
                ? DataSetSource.of(it.file(), it.dataSetOffset(), it.size() - it.dataSetOffset())
                : DataSetSource.of(transcode(it, TransferSyntax.of(accepted)));
        DimseResponse rsp = assoc.store(it.sopClass(), it.sopInstance(), accepted, source).get(10, TimeUnit.MINUTES);
        Status st = rsp.status();
        switch (st.category()) {
            case SUCCESS -> success.increment();
            case WARNING -> warning.increment();
            default -> failures.add(it.file() + ": " + st + rsp.errorComment().map(c -> " " + c).orElse(""));
        }
    }

    /** Native-to-native re-encoding (PS3.5 A.1-A.3) for a peer that refused the file's own syntax. */
    private static byte[] transcode(Item it, TransferSyntax to) throws IOException {
        DataSet ds = DicomReader.readFile(it.file(), ReadOptions.DEFAULT).dataSet();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, it.size()));
        DicomWriter.writeDataSet(out, ds, to, WriteOptions.DEFAULT);
        return out.toByteArray();
    }
}
