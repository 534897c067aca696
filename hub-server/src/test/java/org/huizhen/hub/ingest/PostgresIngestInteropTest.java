package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.PostgresTestSchema;
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
    @TempDir
    Path tmp;
    private PostgresTestSchema schema;
    private Hub hub;

    @BeforeEach
    void startHubOnPostgres() throws Exception {
        schema = PostgresTestSchema.create("hz_interop_");
        InteropHub h = InteropHub.in(tmp.resolve("hub"));
        for (var e : schema.hubSettings().entrySet()) {
            h = h.with(e.getKey(), e.getValue());
        }
        hub = h.start();
    }

    @AfterEach
    void stopHubAndDropSchema() throws SQLException {
        if (hub != null) {
            hub.close();
        }
        if (schema != null) {
            schema.close();
        }
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
        try (Connection c = PostgresTestSchema.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema.name() + ".instance")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(files.size() - 1);
        }
    }
}
