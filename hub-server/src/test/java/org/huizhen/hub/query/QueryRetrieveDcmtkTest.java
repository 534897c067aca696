package org.huizhen.hub.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.hub.Hub;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.DcmtkStoreScp;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.storage.index.InstanceFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub as a Query/Retrieve SCP for DCMTK's {@code findscu}, {@code movescu} and {@code getscu}
 * (PS3.4 C.4): results agree with what was stored, Chinese names match with wildcards, C-MOVE
 * reaches a configured destination and refuses an unknown one (A801), C-GET returns the
 * instances on the same association, and a clinic AE sees only its own institution's studies.
 */
class QueryRetrieveDcmtkTest {
    private static final Pattern UID_LINE = Pattern.compile("\\(0020,000d\\) UI \\[([0-9.]+)");
    @TempDir
    Path tmp;
    private DcmtkStoreScp destination;
    private Hub hub;

    @BeforeEach
    void start() throws Exception {
        DcmtkTools.requireTool("findscu");
        destination = new DcmtkStoreScp(Files.createDirectories(tmp.resolve("moved")), "READING_WS");
        Path yaml = tmp.resolve("hub.yaml");
        Files.writeString(yaml, """
                dicom:
                  move-destinations:
                    - {ae-title: READING_WS, host: 127.0.0.1, port: %d}
                institutions:
                  - id: lead
                    role: lead-hospital
                    aes: [{ae-title: READER}]
                  - id: th-01
                    role: clinic
                    aes: [{ae-title: TH01_CT}]
                """.formatted(destination.port()));
        hub = Hub.start(ConfigLoader.load(Optional.of(yaml), Map.of())
                .override("hub.data-dir", tmp.resolve("data").toString())
                .override("dicom.bind", "127.0.0.1").override("dicom.port", "0")
                .override("http.bind", "127.0.0.1").override("http.port", "0")
                .override("storage.fsync", "false").build());
        // the lead hospital's archive: three shared files; the clinic sends one more of its own
        store("READER", "dicom/chrX1.dcm", "dicom/chrX2.dcm", "dicom/MR_small.dcm");
        store("TH01_CT", "dicom/CT_small.dcm");
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (destination != null) {
            destination.close();
        }
    }

    private void store(String callingAe, String... files) {
        List<String> args = new ArrayList<>(List.of("store", "--calling-ae", callingAe));
        for (String f : files) {
            args.add(DcmtkTools.testdata().resolve(f).toString());
        }
        args.addAll(List.of("--to", "HUIZHEN@127.0.0.1:" + hub.dicomPort()));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private DcmtkTools.Run scu(String tool, String callingAe, String... keysAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-S", "-aet", callingAe, "-aec", "HUIZHEN"));
        cmd.addAll(List.of(keysAndArgs));
        cmd.addAll(List.of("127.0.0.1", String.valueOf(hub.dicomPort())));
        return DcmtkTools.run(cmd, Map.of("TCP_NODELAY", "1"), 60);
    }

    private static Set<String> studyUids(String findscuOutput) {
        Set<String> uids = new TreeSet<>();
        Matcher m = UID_LINE.matcher(findscuOutput);
        while (m.find()) {
            uids.add(m.group(1));
        }
        return uids;
    }

    private Set<String> indexedStudies(String institution) throws Exception {
        Set<String> uids = new TreeSet<>();
        hub.index().forEachInstance(institution == null ? InstanceFilter.all() : InstanceFilter.institution(institution),
                si -> uids.add(si.studyInstanceUid()));
        return uids;
    }

    @Test
    void studyLevelFindReturnsEveryStoredStudyWithOnlyTheRequestedKeys() throws Exception {
        DcmtkTools.Run r = scu("findscu", "READER", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID",
                "-k", "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances");
        assertThat(r.exitCode()).as(r.output()).isZero();
        // the lead hospital's reading AE sees all four studies, the clinic's included
        assertThat(studyUids(r.output())).isEqualTo(indexedStudies(null)).hasSize(4);
        assertThat(r.output()).contains("(0020,1208) IS [1 ]").doesNotContain("(0010,0010)");
    }

    /**
     * Every level of both information models (PS3.4 C.6.1.1, C.6.2.1): each answer names an
     * entity that was stored, and the count equals the index's distinct entities at that level.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "-P|PATIENT|PatientID|0010,0020",
        "-S|STUDY|StudyInstanceUID|0020,000d",
        "-S|SERIES|SeriesInstanceUID|0020,000e",
        "-S|IMAGE|SOPInstanceUID|0008,0018"})
    void findAtEveryLevelReturnsWhatWasStored(String model, String level, String key, String tag) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("findscu", model, "-aet", "READER", "-aec", "HUIZHEN",
                "-k", "QueryRetrieveLevel=" + level, "-k", key));
        if (model.equals("-S") && !level.equals("STUDY")) {
            cmd.addAll(List.of("-k", "StudyInstanceUID=" + studyOf("dicom/MR_small.dcm")));
        }
        cmd.addAll(List.of("127.0.0.1", String.valueOf(hub.dicomPort())));
        DcmtkTools.Run r = DcmtkTools.run(cmd, Map.of("TCP_NODELAY", "1"), 60);
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher m = Pattern.compile("\\(" + tag + "\\) \\S\\S \\[([^\\]]+)\\]").matcher(r.output());
        Set<String> found = new TreeSet<>();
        while (m.find()) {
            found.add(m.group(1).replace("\u0000", "").strip()); // UI values are padded with NUL (PS3.5 6.2)
        }
        Set<String> expected = new TreeSet<>();
        String study = studyOf("dicom/MR_small.dcm");
        hub.index().forEachInstance(InstanceFilter.all(), si -> {
            switch (level) {
                case "PATIENT" -> expected.add(si.patientId());
                case "STUDY" -> expected.add(si.studyInstanceUid());
                case "SERIES" -> {
                    if (si.studyInstanceUid().equals(study)) {
                        expected.add(si.seriesInstanceUid());
                    }
                }
                default -> {
                    if (si.studyInstanceUid().equals(study)) {
                        expected.add(si.sopInstanceUid());
                    }
                }
            }
        });
        assertThat(found).isNotEmpty().isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ISO_IR 192", "GB18030"})
    void chineseWildcardNameMatchesInEitherCharacterSet(String charset) throws Exception {
        // The query is a file written in the character set under test (command-line arguments
        // would reach findscu as UTF-8 bytes whatever it declares).
        DataSet.Builder q = DataSet.builder();
        q.setString(Tag.SpecificCharacterSet, VR.CS, charset);
        q.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        q.setString(Tag.PatientName, VR.PN, "*王*");
        q.setString(Tag.StudyInstanceUID, VR.UI, "");
        DataSet identifier = q.build();
        assertThat(identifier.getBytes(Tag.PatientName).orElseThrow())
                .isEqualTo(SpecificCharacterSet.valueOf(charset).encode("*王*", true));
        Path file = tmp.resolve("query.dcm");
        try (var out = Files.newOutputStream(file)) {
            DicomWriter.writePart10(out, FileMetaInfo.of(UID.FINDStudyRootQueryRetrieveInformationModel, "2.25.1",
                    UID.LittleEndianExplicit, null), identifier, WriteOptions.DEFAULT);
        }
        // findscu takes query files after the peer's address
        DcmtkTools.Run r = DcmtkTools.run(List.of("findscu", "-S", "-aet", "READER", "-aec", "HUIZHEN", "127.0.0.1",
                String.valueOf(hub.dicomPort()), file.toString()), Map.of("TCP_NODELAY", "1"), 60);
        assertThat(r.exitCode()).as(r.output()).isZero();
        // PS3.4 C.2.2.2.4 wildcard on the ideographic group: both chrX files hold a 王 family name
        Set<String> expected = new TreeSet<>();
        for (String f : List.of("dicom/chrX1.dcm", "dicom/chrX2.dcm")) {
            expected.add(studyOf(f));
        }
        assertThat(studyUids(r.output())).isEqualTo(expected);
    }

    private String studyOf(String file) throws Exception {
        String sop = InteropFiles.read(DcmtkTools.testdata().resolve(file)).sopInstanceUid();
        return hub.index().findInstance(sop).orElseThrow().studyInstanceUid();
    }

    @Test
    void clinicSeesOnlyItsOwnStudies() throws Exception {
        DcmtkTools.Run r = scu("findscu", "TH01_CT", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(studyUids(r.output())).isEqualTo(indexedStudies("th-01")).containsExactly(studyOf("dicom/CT_small.dcm"));
    }

    @Test
    void moveSendsTheStudyToTheConfiguredDestination() throws Exception {
        String study = studyOf("dicom/MR_small.dcm");
        DcmtkTools.Run r = scu("movescu", "READER", "-aem", "READING_WS", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + study);
        assertThat(r.exitCode()).as(r.output()).isZero();
        DcmtkTools.await(() -> destination.received().size() == 1, 20_000, "the moved instance at storescp");
        // what arrives is the stored data set, byte for byte
        String sent = InteropFiles.read(DcmtkTools.testdata().resolve("dicom/MR_small.dcm")).dataSetDigest();
        assertThat(InteropFiles.read(destination.received().get(0)).dataSetDigest()).isEqualTo(sent);
    }

    @Test
    void moveToAnUnknownDestinationIsRefusedWithA801() {
        DcmtkTools.Run r = scu("movescu", "READER", "-aem", "NOWHERE", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID=" + "1.2.3");
        // DCMTK names status A801 (PS3.4 C.4.2.1.5) "Refused: Move Destination unknown"
        assertThat(r.output()).contains("MoveDestinationUnknown");
        assertThat(destination.received()).isEmpty();
    }

    @Test
    void getReturnsTheSeriesOnTheSameAssociation() throws Exception {
        String sop = InteropFiles.read(DcmtkTools.testdata().resolve("dicom/chrX2.dcm")).sopInstanceUid();
        var si = hub.index().findInstance(sop).orElseThrow();
        Path out = Files.createDirectories(tmp.resolve("got"));
        DcmtkTools.Run r = scu("getscu", "READER", "-od", out.toString(), "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + si.studyInstanceUid(), "-k", "SeriesInstanceUID=" + si.seriesInstanceUid());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(InteropFiles.filesUnder(out)).singleElement().satisfies(f ->
                assertThat(InteropFiles.read(f).sopInstanceUid()).isEqualTo(sop));
    }
}
