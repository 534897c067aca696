package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.huizhen.hub.testing.DcmtkTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ECG API on the production index: a hub on the real PostgreSQL (127.0.0.1:5432, user
 * {@code postgres}, database {@code test}, a fresh schema migrated V1..V4 and dropped afterwards)
 * stores an uploaded ECG and its record, which PostgreSQL then holds. Fails when {@code CI=true}
 * and PostgreSQL is unreachable, skips otherwise (as the other PostgreSQL tests).
 */
class EcgPostgresTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    @TempDir
    Path tmp;
    private String schema;
    private EcgTestHub h;

    @BeforeEach
    void startHubOnPostgres() throws Exception {
        try (Connection c = connect()) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            DcmtkTools.unavailable("PostgreSQL is not reachable at " + URL + " as " + USER + ": " + e.getMessage());
        }
        schema = "hz_ecg_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        h = new EcgTestHub(tmp.resolve("hub"), Map.of("storage.index.kind", "postgres", "storage.index.url", URL,
                "storage.index.user", USER, "storage.index.password", "", "storage.index.schema", schema));
    }

    @AfterEach
    void stopHubAndDropSchema() throws SQLException {
        if (h != null) {
            h.close();
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
    void uploadedEcgIsRecordedInPostgres() throws Exception {
        HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_A), EcgTestHub.ecg("scp_healforce_63.SCP"),
                "application/octet-stream");
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
        JsonObject ecg = rsp.bodyAsJsonObject();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT institution, source_format, priority, original_blob"
                     + " FROM " + schema + ".ecg_record WHERE id = ?")) {
            ps.setString(1, ecg.getString("id"));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(EcgTestHub.CLINIC_A);
                assertThat(rs.getString(2)).isEqualTo("SCP_ECG");
                assertThat(rs.getString(3)).isEqualTo(ecg.getString("priority"));
                // the original is a content-addressed blob: its id is the file's SHA-256
                assertThat(rs.getString(4)).isEqualTo(HexFormat.of().formatHex(java.security.MessageDigest
                        .getInstance("SHA-256").digest(EcgTestHub.bytes(EcgTestHub.ecg("scp_healforce_63.SCP")))));
            }
        }
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg/" + ecg.getString("id")).statusCode()).isEqualTo(200);
    }
}
