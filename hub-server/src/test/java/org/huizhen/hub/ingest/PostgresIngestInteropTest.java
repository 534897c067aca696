package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest path with the production index: a hub on PostgreSQL (127.0.0.1:5432, user
 * {@code postgres}, database {@code test}, a fresh schema dropped afterwards) receives a handful
 * of files from {@code huizhen store}; stored bytes and index rows are checked as on H2. Fails
 * when {@code CI=true} and PostgreSQL is unreachable, skips otherwise.
 */
class PostgresIngestInteropTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    @TempDir
    Path tmp;
    private String schema;
    private Hub hub;

    @BeforeEach
    void startHubOnPostgres() throws Exception {
        try (Connection c = connect()) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            DcmtkTools.unavailable("PostgreSQL is not reachable at " + URL + " as " + USER + ": " + e.getMessage());
        }
        // a fresh lower-case schema per test, so runs on one database never see each other's rows
        schema = "hz_interop_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        hub = InteropHub.in(tmp.resolve("hub"))
                .with("storage.index.kind", "postgres")
                .with("storage.index.url", URL)
                .with("storage.index.user", USER)
                .with("storage.index.password", "")
                .with("storage.index.schema", schema)
                .start();
    }

    @AfterEach
    void stopHubAndDropSchema() throws SQLException {
        if (hub != null) {
            hub.close();
        }
        if (schema != null) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static Connection connect() throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL, p);
    }

    @Test
    void huizhenStoreIntoAHubOnPostgresIndexesEveryInstanceOnce() throws Exception {
        Path dicom = DcmtkTools.testdata().resolve("dicom");
        List<Path> files = new ArrayList<>(List.of(dicom.resolve("CT_small.dcm"), dicom.resolve("chrX2.dcm"),
                // one SOP instance in two transfer syntaxes: two versions
                dicom.resolve("MR_small.dcm"), dicom.resolve("MR_small_RLE.dcm"),
                DcmtkTools.testdata().resolve("ecg/waveform_ecg.dcm")));
        files.addAll(InteropFiles.dicomdirImages().subList(0, 3));
        List<String> args = new ArrayList<>(List.of("store", "--to", InteropHub.address(hub)));
        files.forEach(f -> args.add(f.toString()));

        CliRun r = CliRun.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.out()).contains(String.format("Stored %d of %d file(s)", files.size(), files.size()));
        List<InteropFiles.Part10> sources = files.stream().map(InteropFiles::read).toList();
        InteropIndexCheck.assertStored(hub, sources, InteropIndexCheck.asTransmitted(sources));
        Path chrX2 = dicom.resolve("chrX2.dcm");
        assertThat(InteropIndexCheck.patientName(hub, InteropFiles.read(chrX2).sopInstanceUid()).text())
                .isEqualTo(InteropIndexCheck.referencePatientName(chrX2));
        // the rows really are in PostgreSQL, in the test's own schema
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".instance")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(files.size() - 1);
        }
    }
}
