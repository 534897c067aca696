package org.huizhen.hub.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.render.EcgRenderer;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.ecg.EcgAnalysis;
import org.huizhen.hub.ecg.EcgHeader;
import org.huizhen.hub.ecg.EcgJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code huizhen ecg ...}: the ECG tools that work on a file without a running hub, the same
 * readers, measurements, critical rules and picture as the hub's {@code /api/ecg}.
 *
 * <ul>
 *   <li>{@code ecg measure FILE}: the model's summary, the hub's measurements, critical flags and
 *       the device's own values as JSON on standard output ({@link EcgJson#cli}).</li>
 *   <li>{@code ecg render FILE --out PATH.svg|png}: the 12-lead page; the format follows the extension.</li>
 *   <li>{@code ecg eval-qrs DIR}: runs the hub's QRS detector over every WFDB record in DIR (a
 *       {@code NAME.hea} with its {@code NAME.atr} reference annotations) and prints the ANSI/AAMI
 *       EC57 beat-by-beat table (record, beats, TP, FN, FP, Se, +P) with a gross line; a progress
 *       bar on standard error.</li>
 * </ul>
 * Exit codes (see {@link Main}): 0 done; 1 the file is not a readable ECG (its HZ-70xx message on
 * standard error) or the output cannot be written; 2 bad usage (missing file, unknown extension).
 * Critical rules come from {@code ecg.critical.*} of {@code --config} (or the defaults).
 *
 * <p>Runs on the calling thread; nothing is shared.
 */
@Command(name = "ecg", mixinStandardHelpOptions = true,
        description = {"ECG tools: measure or render an ECG file (DICOM, HL7 aECG, SCP-ECG, GE MUSE, Philips XML).",
                "  huizhen ecg measure FILE",
                "  huizhen ecg render FILE --out PATH.svg|png",
                "  huizhen ecg eval-qrs DIR"},
        subcommands = {EcgCommand.Measure.class, EcgCommand.Render.class, EcgCommand.EvalQrs.class,
                CommandLine.HelpCommand.class})
public final class EcgCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("huizhen ecg: say what to do: measure FILE, or render FILE --out PATH (see huizhen ecg --help)");
        return Main.EXIT_USAGE;
    }

    /** Options every ECG subcommand takes. */
    static class Common {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration for ecg.critical.* (default: $HUIZHEN_CONFIG, else built-in defaults).")
        Path config;

        /** The file read, measured and screened; null after the message was printed. */
        EcgAnalysis analyse(String command, Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                System.err.println("huizhen ecg " + command + ": no such file: " + file);
                return null;
            }
            Optional<Path> cfg = Optional.ofNullable(config).or(() -> Optional.ofNullable(System.getenv("HUIZHEN_CONFIG")).map(Path::of));
            HubConfig hub = ConfigLoader.load(cfg, System.getenv()).build();
            Ecg ecg;
            try {
                ecg = EcgReaders.read(file);
            } catch (EcgParseException e) {
                System.err.println("huizhen ecg " + command + ": " + file + ": " + e.getMessage());
                throw new NotAnEcg();
            }
            return EcgAnalysis.of(ecg, EcgAnalysis.rules(hub.ecg().critical()));
        }
    }

    /** The file was read but is no ECG the readers accept (message printed). */
    static final class NotAnEcg extends RuntimeException {
        NotAnEcg() {
            super(null, null, false, false);
        }
    }

    @Command(name = "measure", mixinStandardHelpOptions = true,
            description = "Print the ECG's summary, the hub's measurements, critical flags and the device's own values as JSON.")
    static final class Measure extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The ECG file.")
        Path file;

        @Override
        public Integer call() throws IOException {
            EcgAnalysis a;
            try {
                a = analyse("measure", file);
            } catch (NotAnEcg e) {
                return Main.EXIT_PARTIAL;
            }
            if (a == null) {
                return Main.EXIT_USAGE;
            }
            System.out.println(EcgJson.cli(a).encodePrettily());
            return 0;
        }
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Draw the standard 12-lead page (25 mm/s, 10 mm/mV) to SVG or PNG.")
    static final class Render extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The ECG file.")
        Path file;
        @Option(names = "--out", required = true, paramLabel = "PATH", description = "Where to write: PATH.svg or PATH.png.")
        Path out;

        @Override
        public Integer call() throws IOException {
            String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean png = name.endsWith(".png");
            if (!png && !name.endsWith(".svg")) {
                System.err.println("huizhen ecg render: --out must end in .svg or .png: " + out);
                return Main.EXIT_USAGE;
            }
            EcgAnalysis a;
            try {
                a = analyse("render", file);
            } catch (NotAnEcg e) {
                return Main.EXIT_PARTIAL;
            }
            if (a == null) {
                return Main.EXIT_USAGE;
            }
            var header = EcgHeader.lines(a.ecg(), EcgJson.measurements(a), EcgJson.flags(a.flags()), null);
            byte[] bytes = png ? EcgRenderer.png(a.ecg(), header)
                    : EcgRenderer.svg(a.ecg(), header).getBytes(StandardCharsets.UTF_8);
            Path abs = out.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".part");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            System.err.println("huizhen ecg render: wrote " + out + " (" + bytes.length + " bytes)");
            return 0;
        }
    }

    @Command(name = "eval-qrs", mixinStandardHelpOptions = true,
            description = {"Score the hub's QRS detector on WFDB records (e.g. MIT-BIH) by the ANSI/AAMI EC57 rule:",
                    "150 ms match window, first 5 minutes not scored, ventricular flutter/fibrillation not scored."})
    static final class EvalQrs implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "A folder of WFDB records (NAME.hea, NAME.dat, NAME.atr).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                System.err.println("huizhen ecg eval-qrs: no such folder: " + dir);
                return Main.EXIT_USAGE;
            }
            long records;
            try (var files = Files.list(dir)) {
                records = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".hea"))
                        .filter(f -> Files.isRegularFile(dir.resolve(f.substring(0, f.length() - 4) + ".atr"))).count();
            }
            if (records == 0) {
                System.err.println("huizhen ecg eval-qrs: no WFDB record with reference annotations (NAME.hea + NAME.atr) in " + dir);
                return Main.EXIT_USAGE;
            }
            org.huizhen.dicom.ecg.wfdb.Ec57Report report;
            try (ProgressBar bar = ProgressBar.onStderr("EC57", records)) {
                report = org.huizhen.dicom.ecg.wfdb.Ec57Evaluation.evaluate(dir, r -> bar.advance(1));
            } catch (EcgParseException e) {
                System.err.println("huizhen ecg eval-qrs: " + e.getMessage());
                return Main.EXIT_PARTIAL;
            }
            System.out.print(report.toTable());
            return 0;
        }
    }
}
