package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkStoreScp;
import org.huizhen.hub.testing.DcmtkStoreScu;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shared DICOM file into a running hub, sent by DCMTK's {@code storescu} (each file in
 * its own transfer syntax) and by the hub's own {@code huizhen store}: each instance is indexed
 * once, each stored data set is byte-identical to what was sent, and the index agrees with
 * {@code dcmdump} — including Chinese (UTF-8, GB18030) and Japanese (ISO 2022) patient names.
 */
class DcmtkIngestInteropTest {
    @TempDir
    Path tmp;
    private Hub hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = InteropHub.in(tmp.resolve("hub")).start();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private static List<InteropFiles.Part10> sharedSources() {
        return InteropFiles.sharedInstanceFiles().stream().map(InteropFiles::read).toList();
    }

    /**
     * storescu does not send every file's bytes unchanged: it re-deflates Deflated data sets and
     * rewrites undefined lengths and Data Set Trailing Padding. So DCMTK's bit-preserving
     * storescp receives the same files from the same storescu command as the reference: the hub
     * must have stored exactly what storescp received — and the very source bytes for every file
     * storescu has no reason to re-encode.
     */
    @Test
    void storescuSendsEverySharedFileInItsOwnSyntaxAndEachInstanceIsIndexedOnce() throws Exception {
        List<InteropFiles.Part10> all = sharedSources();
        // a data set without SOP Instance UID (UN_sequence.dcm) is no instance: storescu refuses to send it
        List<InteropFiles.Part10> sendable = all.stream().filter(InteropIndexCheck::hasSopInstanceUid).toList();
        assertThat(all.size() - sendable.size()).isEqualTo(1);
        Path profile = DcmtkStoreScu.profile(tmp, sendable);

        DcmtkTools.Run toHub = DcmtkTools.run(DcmtkStoreScu.command("CLINIC", "HUIZHEN", hub.dicomPort(), profile, sendable), 120);
        assertThat(toHub.exitCode()).as(toHub.output()).isZero();
        assertThat(toHub.output()).doesNotContain("Store Failed").doesNotContain("Warning");

        Map<String, Set<String>> reference = new TreeMap<>();
        try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("reference"), "HUIZHEN")) {
            DcmtkTools.Run toScp = DcmtkTools.run(DcmtkStoreScu.command("CLINIC", "HUIZHEN", scp.port(), profile, sendable), 120);
            assertThat(toScp.exitCode()).as(toScp.output()).isZero();
            for (Path f : scp.received()) {
                InteropFiles.Part10 r = InteropFiles.read(f);
                reference.computeIfAbsent(r.sopInstanceUid(), k -> new TreeSet<>()).add(r.dataSetDigest());
            }
        }
        InteropIndexCheck.assertStored(hub, sendable, reference);

        List<InteropFiles.Part10> unchangedBySender = sendable.stream()
                .filter(s -> !InteropFiles.DEFLATED.equals(s.transferSyntaxUid()) && !InteropFiles.hasUndefinedLengthOrPadding(s))
                .toList();
        assertThat(unchangedBySender).isNotEmpty();
        assertThat(unchangedBySender).allSatisfy(s ->
                assertThat(reference.get(s.sopInstanceUid())).as(s.name()).contains(s.dataSetDigest()));
        assertThat(hub.index().findInstance(sendable.get(0).sopInstanceUid()).orElseThrow().origin().callingAe())
                .isEqualTo("CLINIC");
    }

    /**
     * {@code huizhen store <testdata>/dicom <testdata>/ecg/*.dcm}: sends every file from disk, so
     * every data set arrives byte-identical. Two files are no storable instances and are reported
     * as failed, with nothing stored: UN_sequence.dcm (no SOP Instance UID in its data set: 0xA900)
     * and the DICOMDIR (a Media Storage Directory, PS3.10, no instance either; the hub currently
     * accepts its presentation context and refuses its data set, see the report).
     */
    @Test
    void huizhenStoreSendsEverySharedFileByteIdentical() throws Exception {
        Path testdata = DcmtkTools.testdata();
        List<String> args = new ArrayList<>(List.of("store", testdata.resolve("dicom").toString()));
        List<Path> ecgs = InteropFiles.sharedInstanceFiles().stream().filter(p -> p.startsWith(testdata.resolve("ecg"))).toList();
        assertThat(ecgs).hasSize(3);
        ecgs.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--to", InteropHub.address(hub), "--calling-ae", "CLINIC_CLI"));

        CliRun r = CliRun.run(args.toArray(String[]::new));

        List<InteropFiles.Part10> all = sharedSources();
        List<InteropFiles.Part10> storable = all.stream().filter(InteropIndexCheck::hasSopInstanceUid).toList();
        int files = all.size() + 1; // + the DICOMDIR
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.out()).as(r.output()).contains(String.format("Stored %d of %d file(s)", storable.size(), files))
                .contains(String.format(": %d success, 0 warning, 2 failed", storable.size()))
                .containsPattern("FAILED .*dicomdir-fileset/DICOMDIR: ")
                .containsPattern("FAILED .*UN_sequence\\.dcm: A900\\(FAILURE\\) HZ-3010");
        InteropIndexCheck.assertStored(hub, storable, InteropIndexCheck.asTransmitted(storable));
        assertThat(hub.index().findInstance(storable.get(0).sopInstanceUid()).orElseThrow().origin().callingAe())
                .isEqualTo("CLINIC_CLI");
    }

    /**
     * The character-set files: the index holds the name as Unicode, equal to DCMTK's reading, with
     * its component groups (PS3.5 6.2.1.2: alphabetic=ideographic=phonetic).
     */
    @ParameterizedTest
    @ValueSource(strings = {"chrX1.dcm", "chrX2.dcm", "chrH31.dcm"})
    void patientNamesInOtherCharacterSetsAreIndexedAsDcmtkDecodesThem(String name) throws Exception {
        Path file = DcmtkTools.testdata().resolve("dicom").resolve(name);
        DcmtkTools.Run r = DcmtkTools.run(List.of("storescu", "-aet", "CLINIC", "-aec", "HUIZHEN",
                "127.0.0.1", String.valueOf(hub.dicomPort()), file.toString()), 60);
        assertThat(r.exitCode()).as(r.output()).isZero();

        String expected = InteropIndexCheck.referencePatientName(file);
        // the reference itself must be a decoded multi-group name, or this test proves nothing
        assertThat(expected).contains("=").matches(".*[\\p{IsHan}\\p{IsHiragana}].*");
        String[] groups = expected.split("=", -1);
        PatientName indexed = InteropIndexCheck.patientName(hub, InteropFiles.read(file).sopInstanceUid());
        assertThat(indexed.text()).isEqualTo(expected);
        assertThat(indexed.alphabetic()).isEqualTo(groups[0]);
        assertThat(indexed.ideographic()).isEqualTo(groups[1]);
        assertThat(indexed.phonetic()).isEqualTo(groups.length > 2 && !groups[2].isEmpty() ? groups[2] : null);
    }

    /**
     * Four storescu processes send the same 31 DICOMDIR images at once (four associations in
     * parallel): every instance is indexed once, with one version, byte-identical to its source.
     */
    @Test
    void fourStorescuProcessesAtOnce() throws Exception {
        List<InteropFiles.Part10> sources = InteropFiles.dicomdirImages().stream().map(InteropFiles::read)
                // files storescu sends unchanged (see the first test)
                .filter(s -> !InteropFiles.hasUndefinedLengthOrPadding(s)).toList();
        assertThat(sources).hasSizeGreaterThan(10);
        Path profile = DcmtkStoreScu.profile(tmp, sources);
        List<Process> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(new ProcessBuilder(DcmtkStoreScu.command("CLINIC" + i, "HUIZHEN", hub.dicomPort(), profile, sources))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("storescu" + i + ".log").toFile()).start());
        }
        for (int i = 0; i < running.size(); i++) {
            assertThat(running.get(i).waitFor()).as(Files.readString(tmp.resolve("storescu" + i + ".log"))).isZero();
        }
        InteropIndexCheck.assertStored(hub, sources, InteropIndexCheck.asTransmitted(sources));
        List<String> callers = new ArrayList<>();
        for (InteropFiles.Part10 s : sources) {
            StoredInstance si = hub.index().findInstance(s.sopInstanceUid()).orElseThrow();
            callers.add(si.origin().callingAe());
        }
        assertThat(callers).allSatisfy(c -> assertThat(c).isIn(Stream.of(0, 1, 2, 3).map(i -> "CLINIC" + i).toList()));
        // every C-STORE was answered with success, the repeats included (duplicates are not errors)
        assertThat(ingestSuccesses()).isEqualTo(4L * sources.size());
    }

    /** C-STORE successes as the hub's health endpoint counts them. */
    private long ingestSuccesses() throws Exception {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(200);
        return new JsonObject(rsp.body()).getJsonObject("ingest").getLong("success");
    }
}
