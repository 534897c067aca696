package org.huizhen.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.huizhen.hub.testing.DcmtkDump;
import org.huizhen.hub.testing.DcmtkStoreScp;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.hub.testing.InteropScu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code huizhen store} against DCMTK's {@code storescp} (bit-preserving) as the receiving
 * peer: the data sets arrive exactly as they are in the files, the summary line and exit code
 * say what happened, non-DICOM input is reported, and an unreachable peer is exit 3.
 */
class StoreCommandDcmtkInteropTest {
    @TempDir
    Path tmp;

    @Test
    void everySharedInstanceArrivesAtStorescpWithAnIdenticalDataSet() {
        List<InteropFiles.Part10> sources = InteropFiles.sharedInstanceFiles().stream().map(InteropFiles::read)
                .filter(InteropIndexCheck::hasSopInstanceUid).toList();
        try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("in"), "STORESCP")) {
            List<String> args = new ArrayList<>(List.of("store", "--to", "STORESCP@127.0.0.1:" + scp.port(), "-j", "3"));
            sources.forEach(s -> args.add(s.file().toString()));

            CliRun r = CliRun.run(args.toArray(String[]::new));

            assertThat(r.exitCode()).as(r.output() + scp.log()).isZero();
            assertThat(r.out()).containsPattern(String.format("Stored %d of %d file\\(s\\) in [0-9.]+ s: %d success, 0 warning, 0 failed",
                    sources.size(), sources.size(), sources.size()));
            List<InteropFiles.Part10> received = new ArrayList<>(scp.received().stream().map(InteropFiles::read).toList());
            assertThat(received).hasSameSizeAs(sources);
            List<InteropFiles.Part10> transcoded = new ArrayList<>();
            for (InteropFiles.Part10 s : sources) {
                var same = received.stream().filter(x -> x.dataSetDigest().equals(s.transmittedDigest())).findFirst();
                if (same.isPresent()) {
                    received.remove(same.get());
                } else {
                    transcoded.add(s);
                }
            }
            // For native data huizhen store also offers Explicit and Implicit VR Little Endian, and the
            // acceptor picks (PS3.8 9.3.3.2): storescp prefers Explicit VR Little Endian, so Implicit
            // VR and Big Endian files arrive in it, with the same values (dcmdump prints them decoded).
            assertThat(transcoded).extracting(InteropFiles.Part10::transferSyntaxUid)
                    .allSatisfy(ts -> assertThat(ts).isIn(InteropScu.IMPLICIT_LE, "1.2.840.10008.1.2.2"));
            assertThat(received).hasSameSizeAs(transcoded);
            for (InteropFiles.Part10 s : transcoded) {
                String expected = DcmtkDump.of(s.file(), false).dataSetText();
                assertThat(received).as(s.name()).anySatisfy(x -> {
                    assertThat(x.sopInstanceUid()).isEqualTo(s.sopInstanceUid());
                    assertThat(x.transferSyntaxUid()).isEqualTo(InteropScu.EXPLICIT_LE);
                    assertThat(DcmtkDump.of(x.file(), false).dataSetText()).isEqualTo(expected);
                });
            }
            // everything else, compressed and deflated data included, arrives byte for byte
            assertThat(sources.size() - transcoded.size()).isGreaterThan(sources.size() / 2);
        }
    }

    @Test
    void nonDicomFilesInTheInputAreReportedAsFailures() throws Exception {
        Path input = Files.createDirectories(tmp.resolve("mixed"));
        Path testdata = DcmtkTools.testdata();
        Files.copy(testdata.resolve("dicom/CT_small.dcm"), input.resolve("CT_small.dcm"));
        Files.copy(testdata.resolve("bad/bad-not-dicom-plaintext.dcm"), input.resolve("notes.dcm"));
        Files.copy(testdata.resolve("ecg/aecg_FDA_minimum.xml"), input.resolve("ecg.xml"));
        try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("in"), "STORESCP")) {
            CliRun r = CliRun.run("store", input.toString(), "--to", "STORESCP@127.0.0.1:" + scp.port());

            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.out()).contains("Stored 1 of 3 file(s)").contains("1 success, 0 warning, 2 failed")
                    .contains("FAILED " + input.resolve("notes.dcm") + ": not sent, not a readable DICOM Part 10 file")
                    .contains("FAILED " + input.resolve("ecg.xml") + ": not sent, not a readable DICOM Part 10 file");
            assertThat(scp.received()).singleElement().satisfies(f -> assertThat(InteropFiles.read(f).dataSetDigest())
                    .isEqualTo(InteropFiles.read(testdata.resolve("dicom/CT_small.dcm")).dataSetDigest()));
        }
    }

    @Test
    void unreachablePeerIsExit3() {
        int port = DcmtkTools.freePort(); // nothing listens there
        CliRun r = CliRun.run("store", DcmtkTools.testdata().resolve("dicom/CT_small.dcm").toString(),
                "--to", "STORESCP@127.0.0.1:" + port, "--timeout", "5");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.out()).contains("Stored 0 of 1 file(s)").contains("connection refused");
    }
}
