package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.hub.cli.Main;
import org.huizhen.hub.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code huizhen ecg measure} and {@code huizhen ecg render} in-process ({@link Main#run}) on the
 * shared ECG files: the JSON keys the issue names, the summary equal to the readers' model, bad
 * files with their HZ code and exit 1, usage errors with exit 2.
 */
class EcgCommandTest {
    @TempDir
    Path tmp;

    static Stream<String> goodFiles() {
        return Stream.concat(EcgTestHub.NON_DICOM.stream(), EcgTestHub.DICOM.stream());
    }

    @ParameterizedTest
    @MethodSource("goodFiles")
    void measurePrintsTheRequiredKeys(String name) throws Exception {
        Path file = EcgTestHub.ecg(name);
        CliRun run = CliRun.run("ecg", "measure", file.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonObject json = new JsonObject(run.out());
        // the list of keys, each present (null when not measurable)
        assertThat(json.fieldNames()).contains("leads", "sampleRateHz", "heartRateBpm", "prMs", "qrsMs", "qtMs",
                "qtcBazettMs", "qtcFridericiaMs", "axes", "criticalFlags", "device", "format", "durationSeconds");
        assertThat(json.getJsonObject("axes").fieldNames()).containsExactlyInAnyOrder("p", "qrs", "t");
        Ecg ecg = EcgReaders.read(file);
        assertThat(json.getJsonArray("leads").getList()).isEqualTo(ecg.rhythm().labels());
        assertThat(json.getDouble("sampleRateHz")).isEqualTo(ecg.rhythm().sampleRateHz());
        assertThat(json.getString("format")).isEqualTo(ecg.format().name());
        // the device's own values are the file's, never the hub's
        Double deviceRate = ecg.deviceMeasurements().heartRateBpm();
        assertThat(json.getJsonObject("device").getJsonObject("measurements").getDouble("heartRateBpm"))
                .isEqualTo(deviceRate == null ? null : Math.round(deviceRate * 10) / 10.0);
        assertThat(json.getJsonObject("device").getJsonArray("statements").getList()).isEqualTo(ecg.deviceStatements());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-truncated-aecg_FDA_minimum.xml", "bad-truncated-scp_healforce_62.SCP",
            "bad-truncated-waveform_ecg.dcm", "bad-empty.dcm", "bad-not-dicom-plaintext.dcm"})
    void measureOfABadFileSaysWhyWithItsCodeAndExits1(String name) {
        CliRun run = CliRun.run("ecg", "measure", EcgTestHub.bad(name).toString());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(Main.EXIT_PARTIAL);
        assertThat(run.err()).containsPattern("HZ-700[1-5] ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void usageErrorsExit2() {
        assertThat(CliRun.run("ecg", "measure", tmp.resolve("missing.xml").toString()).exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(CliRun.run("ecg", "measure").exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(CliRun.run("ecg").exitCode()).isEqualTo(Main.EXIT_USAGE);
        CliRun gif = CliRun.run("ecg", "render", EcgTestHub.ecg("scp_healforce_62.SCP").toString(), "--out",
                tmp.resolve("page.gif").toString());
        assertThat(gif.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(gif.err()).contains(".svg or .png");
    }

    @Test
    void renderWritesSvgOrPngByTheExtension() throws Exception {
        Path file = EcgTestHub.ecg("muse_braveheart_example1.xml");
        Path svg = tmp.resolve("out/page.svg");
        Path png = tmp.resolve("out/page.png");
        assertThat(CliRun.run("ecg", "render", file.toString(), "--out", svg.toString()).exitCode()).isZero();
        assertThat(CliRun.run("ecg", "render", file.toString(), "--out", png.toString()).exitCode()).isZero();
        assertThat(Files.readString(svg)).contains("<svg");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isGreaterThan(image.getHeight() / 2);
        // no temporary file left beside the outputs
        try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("page.svg", "page.png");
        }
    }

    @Test
    void criticalRulesComeFromTheConfigurationFile() throws Exception {
        Path config = tmp.resolve("huizhen.yaml");
        Files.writeString(config, "ecg:\n  critical:\n    bradycardia-bpm: 100\n");
        // the MUSE cart states 48/min for this recording: under 100, so the configured rule flags it
        CliRun run = CliRun.run("ecg", "measure", "--config", config.toString(),
                EcgTestHub.ecg("muse_braveheart_example1.xml").toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonObject json = new JsonObject(run.out());
        assertThat(json.getJsonArray("criticalFlags").stream().map(o -> ((JsonObject) o).getString("rule")).toList())
                .contains("bradycardia");
        assertThat(json.getString("priority")).isEqualTo("STAT");

        Files.writeString(config, "ecg:\n  critical:\n    bradycardia-bpm: 5\n");
        CliRun bad = CliRun.run("ecg", "measure", "--config", config.toString(),
                EcgTestHub.ecg("muse_braveheart_example1.xml").toString());
        assertThat(bad.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err()).contains("ecg.critical.bradycardia-bpm");
    }

    @Test
    void evalQrsPrintsTheEc57TableOfEverySharedRecord() throws Exception {
        Path mitdb = EcgTestHub.ecg("mitdb");
        CliRun run = CliRun.run("ecg", "eval-qrs", mitdb.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> lines = run.out().lines().toList();
        // one row per shared record (12, named NNN) and a gross line summing them
        assertThat(lines.stream().filter(l -> l.matches("\\d{3}\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+[\\d.]+\\s+[\\d.]+")).count())
                .isEqualTo(12);
        String gross = lines.stream().filter(l -> l.startsWith("gross")).findFirst().orElseThrow();
        // the shared MANIFEST counts 21,005 reference beats after the first 5 minutes
        assertThat(gross.split("\\s+")[1]).isEqualTo("21005");
    }

    @Test
    void evalQrsOfAFolderWithoutRecordsIsAUsageError() {
        CliRun run = CliRun.run("ecg", "eval-qrs", tmp.toString());
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.err()).contains("no WFDB record");
    }
}
