package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import org.huizhen.hub.testing.PostgresTestSchema;
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
    @TempDir
    Path tmp;
    private PostgresTestSchema schema;
    private EcgTestHub h;

    @BeforeEach
    void startHubOnPostgres() throws Exception {
        schema = PostgresTestSchema.create("hz_ecg_");
        h = new EcgTestHub(tmp.resolve("hub"), schema.hubSettings());
    }

    @AfterEach
    void stopHubAndDropSchema() throws SQLException {
        if (h != null) {
            h.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    void uploadedEcgIsRecordedInPostgres() throws Exception {
        HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_A), EcgTestHub.ecg("scp_healforce_63.SCP"),
                "application/octet-stream");
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
        JsonObject ecg = rsp.bodyAsJsonObject();
        try (Connection c = PostgresTestSchema.connect();
             PreparedStatement ps = c.prepareStatement("SELECT institution, source_format, priority, original_blob"
                     + " FROM " + schema.name() + ".ecg_record WHERE id = ?")) {
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
