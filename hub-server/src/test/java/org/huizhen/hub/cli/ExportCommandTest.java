package org.huizhen.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.HubProcess;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.SourceInstances;
import org.huizhen.hub.testing.SourceInstances.Source;
import org.huizhen.hub.testing.StoppedHubData;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code huizhen export}: the shared DICOM files go into a hub with {@code huizhen store}, the hub
 * stops, and export must give back every instance as a Part 10 file whose data set is the one
 * sent, byte for byte (the File Meta Information is the hub's own). Also: export refuses to run
 * while a hub holds the data directory, and reports content that no longer matches its address.
 */
class ExportCommandTest {
    /** Deflated Explicit VR Little Endian (PS3.5 A.5). */
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    /** Shared DICOM files with SOP Class and SOP Instance UID (others cannot be C-STOREd). */
    private static List<Source> shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void sharedFiles() throws IOException {
        Path dicom = Path.of(System.getProperty("hz.shared.testdata"), "dicom");
        try (Stream<Path> files = Files.walk(dicom)) {
            shared = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("DICOMDIR"))
                    .sorted().map(SourceInstances::describe)
                    .filter(s -> !s.sopClassUid().isEmpty() && !s.sopInstanceUid().isEmpty()).toList();
        }
        assertThat(shared).hasSizeGreaterThan(40);
    }

    @ParameterizedTest(name = "one study only: {0}")
    @ValueSource(booleans = {false, true})
    void exportedFilesParseAndCarryTheSentDataSets(boolean oneStudy) throws Exception {
        Path data = storeShared();
        Map<String, List<Source>> bySop = shared.stream().collect(Collectors.groupingBy(Source::sopInstanceUid));
        // the study with the most instances, so that the filter has something to leave out
        String study = bySop.values().stream().map(l -> l.get(0))
                .collect(Collectors.groupingBy(Source::studyUid, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Set<String> expected = bySop.values().stream().map(l -> l.get(0))
                .filter(s -> !oneStudy || s.studyUid().equals(study))
                .map(Source::sopInstanceUid).collect(Collectors.toSet());
        if (oneStudy) {
            assertThat(expected).hasSizeGreaterThan(1).hasSizeLessThan(bySop.size());
        }

        Path out = dir.resolve("out");
        CliRun export = oneStudy
                ? CliRun.run("export", "--data", data.toString(), "--study", study, "--out", out.toString())
                : CliRun.run("export", "--data", data.toString(), "--out", out.toString());
        assertThat(export.exitCode()).as(export.output()).isZero();
        assertThat(export.out()).contains("Exported " + expected.size() + " of " + expected.size() + " instance(s)");

        List<Path> files = filesUnder(out);
        assertThat(files).hasSize(expected.size());
        for (Path f : files) {
            // parses completely, pixel data included
            Part10File p = Part10.read(f, ReadOptions.DEFAULT);
            String sop = p.dataSet().getString(Tag.SOPInstanceUID).orElseThrow();
            assertThat(expected).contains(sop);
            assertThat(f).isEqualTo(out.resolve(p.dataSet().getString(Tag.StudyInstanceUID).orElseThrow())
                    .resolve(p.dataSet().getString(Tag.SeriesInstanceUID).orElseThrow()).resolve(sop + ".dcm"));
            assertThat(p.meta().mediaStorageSopInstanceUid()).isEqualTo(sop);
            // Several shared files are one instance in different transfer syntaxes (same SOP
            // Instance UID); the hub keeps the last one received as the current version, so the
            // export equals one of them.
            assertThat(SourceInstances.dataSetSha256(f)).as("%s in %s", f, p.meta().transferSyntaxUid())
                    .isIn(bySop.get(sop).stream().map(ExportCommandTest::dataSetAsSent).toList());
            assertThat(p.meta().transferSyntaxUid())
                    .isIn(bySop.get(sop).stream().map(Source::transferSyntaxUid).toList());
        }
    }

    /**
     * The embedded index allows one user, so export must not open it under a running hub: the
     * data directory's lock says so, whether the hub is another process (the usual case) or runs
     * in this JVM (where the lock shows up as an overlap). Export refuses before writing anything.
     */
    @ParameterizedTest(name = "hub in this JVM: {0}")
    @ValueSource(booleans = {false, true})
    void refusesWhileAHubHoldsTheDataDirectory(boolean inThisJvm) throws Exception {
        Path data = dir.resolve("data");
        Path out = dir.resolve("out");
        try (AutoCloseable hub = inThisJvm ? Hub.start(InteropHub.durableConfig(data)) : HubProcess.start(data, Map.of())) {
            CliRun export = CliRun.run("export", "--data", data.toString(), "--out", out.toString());
            assertThat(export.exitCode()).as(export.output()).isEqualTo(Main.EXIT_UNAVAILABLE);
            assertThat(export.err()).contains("the hub is running on " + data).contains("stop it first");
            assertThat(out).isEmptyDirectory();
        }
    }

    /** Damage done to one stored blob while the hub is stopped. */
    enum Damage {
        /** One bit of content flipped: the SHA-256 no longer matches the content address. */
        FLIPPED_BYTE("HZ-2901"),
        /** The blob file deleted (the hub's own integrity check has not run since). */
        DELETED("HZ-2002");

        final String code;

        Damage(String code) {
            this.code = code;
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damagedBlobIsReportedAndTheRestExported(Damage damage) throws Exception {
        Path data = storeShared();
        StoredInstance victim;
        try (StoppedHubData stored = StoppedHubData.open(data)) {
            victim = stored.instances().stream().max(Comparator.comparingLong(StoredInstance::sizeBytes)).orElseThrow();
            Path blob = stored.blobFile(victim);
            if (damage == Damage.FLIPPED_BYTE) {
                byte[] bytes = Files.readAllBytes(blob);
                bytes[bytes.length / 2] ^= 0x01;
                Files.write(blob, bytes);
            } else {
                Files.delete(blob);
            }
        }
        Path out = dir.resolve("out");
        CliRun export = CliRun.run("export", "--data", data.toString(), "--out", out.toString());
        assertThat(export.exitCode()).as(export.output()).isEqualTo(Main.EXIT_PARTIAL);
        long distinct = shared.stream().map(Source::sopInstanceUid).distinct().count();
        assertThat(export.out()).contains("Exported " + (distinct - 1) + " of " + distinct + " instance(s)")
                .contains("FAILED " + victim.sopInstanceUid() + ": " + damage.code);
        Path victimDir = out.resolve(victim.studyInstanceUid()).resolve(victim.seriesInstanceUid());
        // neither the damaged file nor its temp copy is left behind
        assertThat(filesUnder(out)).hasSize((int) distinct - 1)
                .noneMatch(p -> p.getParent().equals(victimDir) && p.getFileName().toString().startsWith(victim.sopInstanceUid()));
    }

    /** Stores every shared file in a fresh in-process hub, stops it, returns its data directory. */
    private Path storeShared() throws Exception {
        Path data = dir.resolve("data");
        try (Hub hub = Hub.start(InteropHub.durableConfig(data))) {
            String[] args = Stream.concat(Stream.of("store", "--to", InteropHub.address(hub)),
                    shared.stream().map(s -> s.file().toString())).toArray(String[]::new);
            CliRun store = CliRun.run(args);
            assertThat(store.exitCode()).as(store.output()).isZero();
            assertThat(hub.index().instanceCount())
                    .isEqualTo(shared.stream().map(Source::sopInstanceUid).distinct().count());
        }
        return data;
    }

    /**
     * SHA-256 of the data set bytes as {@code huizhen store} sends them: the file's bytes, except
     * that a deflated data set of odd length gets one trailing zero byte (a PDV carries an even
     * number of bytes; the inflater ignores what follows the deflate stream) — image_dfl.dcm is
     * such a file.
     */
    private static String dataSetAsSent(Source s) {
        try {
            long offset = Part10.readHeader(s.file(), DecodeLimits.DEFAULT).dataSetOffset();
            byte[] all = Files.readAllBytes(s.file());
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(all, (int) offset, all.length - (int) offset);
            if (DEFLATED.equals(s.transferSyntaxUid()) && (all.length - offset) % 2 == 1) {
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> filesUnder(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
