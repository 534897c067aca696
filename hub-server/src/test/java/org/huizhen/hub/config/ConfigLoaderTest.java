package org.huizhen.hub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreValidAndEmbedded() {
        HubConfig cfg = ConfigLoader.load(Optional.empty(), Map.of()).build();
        // The embedded default needs no server: H2 index, DICOM on the customary 11112.
        assertThat(cfg.storage().index().kind()).isEqualTo("h2");
        assertThat(cfg.dicom().port()).isEqualTo(11112);
        assertThat(cfg.storage().fsync()).isTrue();
        assertThat(cfg.institutions()).isEmpty();
    }

    @Test
    void fileThenEnvironmentThenFlagsWin() throws IOException {
        Path f = write("""
                dicom:
                  ae-title: FILE_AET
                  port: 104
                http:
                  port: 9000
                """);
        ConfigLoader loader = ConfigLoader.load(Optional.of(f), Map.of("HUIZHEN_DICOM_PORT", "4242", "HUIZHEN_HTTP_PORT", "9100"));
        loader.override("http.port", "9200");
        HubConfig cfg = loader.build();
        assertThat(cfg.dicom().aeTitle()).isEqualTo("FILE_AET"); // only the file set it
        assertThat(cfg.dicom().port()).isEqualTo(4242);         // env beats file
        assertThat(cfg.http().port()).isEqualTo(9200);          // flag beats env
    }

    @Test
    void blobWritesAreBufferedUnlessDirectIsAsked() throws IOException {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).build().storage().directBlobWrites()).isFalse();
        HubConfig direct = ConfigLoader.load(Optional.empty(), Map.of("HUIZHEN_STORAGE_BLOB_WRITE", "direct")).build();
        assertThat(direct.storage().directBlobWrites()).isTrue();
    }

    @Test
    void theBlobCacheIsAutoSizedUnlessASizeIsGiven() throws IOException {
        HubConfig.Storage auto = ConfigLoader.load(Optional.empty(), Map.of()).build().storage();
        assertThat(auto.blobCache()).isEqualTo("auto");
        // an eighth of the memory, at most 4 GiB, at most half the direct memory limit
        assertThat(auto.blobCacheBytes(16L << 30, 8L << 30)).isEqualTo(2L << 30);
        assertThat(auto.blobCacheBytes(64L << 30, 16L << 30)).isEqualTo(4L << 30);
        assertThat(auto.blobCacheBytes(16L << 30, 1L << 30)).isEqualTo(512L << 20);
        for (String[] c : new String[][] {{"0", "0"}, {"512m", Long.toString(512L << 20)}, {"2g", Long.toString(2L << 30)},
                {"65536", "65536"}, {"64k", "65536"}, {" 1G ", Long.toString(1L << 30)}}) {
            HubConfig.Storage s = ConfigLoader.load(Optional.empty(), Map.of("HUIZHEN_STORAGE_BLOB_CACHE", c[0])).build()
                    .storage();
            assertThat(s.blobCacheBytes(16L << 30, 8L << 30)).as(c[0]).isEqualTo(Long.parseLong(c[1]));
        }
    }

    @Test
    void environmentNamesFollowTheKey() {
        assertThat(ConfigLoader.envName("dicom.ae-title")).isEqualTo("HUIZHEN_DICOM_AE_TITLE");
        assertThat(ConfigLoader.envName("storage.index.kind")).isEqualTo("HUIZHEN_STORAGE_INDEX_KIND");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "port out of range|dicom:\\n  port: 70000|dicom.port",
        "port not a number|dicom:\\n  port: abc|dicom.port",
        "unknown key|dicom:\\n  colour: red|dicom.colour",
        "AE title too long|dicom:\\n  ae-title: ABCDEFGHIJKLMNOPQ|dicom.ae-title",
        "unknown index kind|storage:\\n  index:\\n    kind: oracle|storage.index.kind",
        "unknown blob write mode|storage:\\n  blob-write: mmap|storage.blob-write",
        "blob cache not a size|storage:\\n  blob-cache: lots|storage.blob-cache",
        "blob cache negative|storage:\\n  blob-cache: -1g|storage.blob-cache",
        "postgres without url|storage:\\n  index:\\n    kind: postgres|storage.index.url",
        "tls without certificate|dicom:\\n  tls:\\n    enabled: true|dicom.tls.certificate",
        "institution bad role|institutions:\\n  - id: a\\n    role: king|institutions[0].role",
        "unknown default charset|dicom:\\n  default-character-set: KLINGON|dicom.default-character-set",
    })
    void invalidConfigNamesTheKey(String what, String yaml, String key) throws IOException {
        Path f = write(yaml.replace("\\n", "\n"));
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("HZ-4001")
                .hasMessageContaining(key)
                .extracting(e -> ((ConfigException) e).key()).isEqualTo(key);
    }

    @Test
    void duplicateAeTitleIsRejected() throws IOException {
        Path f = write("""
                institutions:
                  - id: a
                    role: clinic
                    aes: [{ae-title: CT1}]
                  - id: b
                    role: clinic
                    aes: [{ae-title: CT1}]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(f), Map.of()).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("institutions[1].aes[0].ae-title");
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("file not found");
    }

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("hub.yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
