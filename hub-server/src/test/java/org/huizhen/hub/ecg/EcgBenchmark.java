package org.huizhen.hub.ecg;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.measure.CriticalRules;
import org.huizhen.dicom.ecg.render.EcgRenderer;

/**
 * Benchmark program (not a test): for every shared ECG file ({@code <testdata>/ecg/*}, the FHIR
 * Observation excepted), how many ECGs per second one thread reads ({@link EcgReaders#read}),
 * measures and screens ({@link EcgAnalysis#of}, the hub's measurements + critical rules), and
 * renders as SVG and PNG ({@code EcgRenderer}) — each stage alone, and the whole pipeline the hub
 * runs for an upload plus one PNG (column {@code all/s}: parse → measure → render); then all
 * files round-robin as the overall figure; and the heap: used after a full GC before and after,
 * and the peak of the heap pools during the run. Each stage runs for a time budget after an
 * untimed warm-up, so the JIT has compiled the hot paths. Run on demand with
 * {@code bench/run-ecg.sh [SECONDS_PER_STAGE]} (builds, then runs this class on the test classes and the hub jar).
 * Arguments: the shared test data directory (default {@code ../shared/testdata}) and the seconds
 * each stage of each file runs (default 1.0; the whole run takes about 5 × files × that).
 * Single-threaded: figures are per core.
 */
public final class EcgBenchmark {
    private EcgBenchmark() {
    }

    /** One file's bytes and name. */
    private record Input(String name, byte[] bytes) {
    }

    public static void main(String[] args) throws Exception {
        Path testdata = Path.of(args.length > 0 ? args[0] : "../shared/testdata");
        double budget = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        List<Input> inputs = new ArrayList<>();
        try (Stream<Path> s = Files.list(testdata.resolve("ecg"))) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("fhir_"))
                    .sorted().toList()) {
                inputs.add(new Input(p.getFileName().toString(), Files.readAllBytes(p)));
            }
        }
        CriticalRules rules = CriticalRules.DEFAULTS;
        long heapBefore = usedAfterGc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

        System.out.printf(Locale.ROOT, "%-38s %-18s %8s %5s %7s | %9s %9s %9s %9s %9s%n", "file", "format", "bytes",
                "leads", "seconds", "parse/s", "measure/s", "svg/s", "png/s", "all/s");
        List<String> failed = new ArrayList<>();
        for (Input in : inputs) {
            Ecg ecg;
            try {
                ecg = EcgReaders.read(in.bytes(), in.name());
            } catch (Exception e) {
                failed.add(in.name() + ": " + e.getMessage());
                continue;
            }
            double parse = rate(budget, () -> EcgReaders.read(in.bytes(), in.name()));
            double measure = rate(budget, () -> EcgAnalysis.of(ecg, rules));
            EcgAnalysis a = EcgAnalysis.of(ecg, rules);
            List<String> header = EcgHeader.lines(ecg, EcgJson.measurements(a), EcgJson.flags(a.flags()), "bench");
            double svg = rate(budget, () -> EcgRenderer.svg(ecg, header));
            double png = rate(budget, () -> EcgRenderer.png(ecg, header));
            double pipeline = rate(budget, () -> {
                Ecg e = EcgReaders.read(in.bytes(), in.name());
                EcgAnalysis x = EcgAnalysis.of(e, rules);
                return EcgRenderer.png(e, EcgHeader.lines(e, EcgJson.measurements(x), EcgJson.flags(x.flags()), "bench"));
            });
            System.out.printf(Locale.ROOT, "%-38s %-18s %8d %5d %7.1f | %9.0f %9.0f %9.0f %9.0f %9.1f%n", in.name(),
                    ecg.format(), in.bytes().length, ecg.rhythm().leads().size(), ecg.rhythm().durationSeconds(), parse,
                    measure, svg, png, pipeline);
        }
        List<Input> readable = inputs.stream().filter(i -> failed.stream().noneMatch(f -> f.startsWith(i.name() + ":")))
                .toList();
        if (!readable.isEmpty()) {
            int[] next = {0};
            double overall = rate(budget * readable.size(), () -> {
                Input in = readable.get(next[0]++ % readable.size());
                Ecg e = EcgReaders.read(in.bytes(), in.name());
                EcgAnalysis x = EcgAnalysis.of(e, rules);
                return EcgRenderer.png(e, EcgHeader.lines(e, EcgJson.measurements(x), EcgJson.flags(x.flags()), "bench"));
            });
            System.out.printf(Locale.ROOT, "overall (parse + measure + PNG, %d files round-robin): %.1f ECGs/s%n",
                    readable.size(), overall);
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf(Locale.ROOT, "heap: %.1f MiB used before, %.1f MiB after (full GC each), peak of heap pools"
                + " %.1f MiB, max %.0f MiB%n", heapBefore / 1048576.0, usedAfterGc() / 1048576.0, peak / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0);
        failed.forEach(f -> System.out.println("NOT READ " + f));
    }

    /** A stage that produces something (kept, so the JIT cannot drop the work). */
    @FunctionalInterface
    private interface Stage {
        Object run() throws Exception;
    }

    private static volatile Object sink;

    /** Runs {@code stage} for a warm-up of a quarter budget, then for {@code seconds}; returns runs per second. */
    private static double rate(double seconds, Stage stage) throws Exception {
        long warm = System.nanoTime() + (long) (seconds * 0.25e9);
        while (System.nanoTime() < warm) {
            sink = stage.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long n = 0;
        long now;
        do {
            sink = stage.run();
            n++;
            now = System.nanoTime();
        } while (now < end);
        return n / ((now - start) / 1e9);
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
