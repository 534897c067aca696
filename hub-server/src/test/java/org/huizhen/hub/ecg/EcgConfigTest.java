package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.huizhen.dicom.ecg.measure.CriticalRules;
import org.huizhen.hub.config.ConfigException;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code ecg.*} configuration: bundled defaults, environment overrides, and values refused with their key. */
class EcgConfigTest {

    @Test
    void bundledDefaultsAreTheProvincialCriticalValues() {
        HubConfig c = ConfigLoader.load(Optional.empty(), Map.of()).build();
        // the defaults file and the screen's own defaults name the same table (pause 3 s, < 35/min,
        // >= 150/min for 30 s, ST 0.1 / 0.3 mV): two places that must not drift apart
        assertThat(EcgAnalysis.rules(c.ecg().critical())).isEqualTo(CriticalRules.DEFAULTS);
        assertThat(c.ecg().maxUploadBytes()).isEqualTo(64L << 20);
    }

    @Test
    void environmentOverridesARule() {
        HubConfig c = ConfigLoader.load(Optional.empty(), Map.of("HUIZHEN_ECG_CRITICAL_PAUSE_SECONDS", "2.5")).build();
        assertThat(c.ecg().critical().pauseSeconds()).isEqualTo(2.5);
    }

    @ParameterizedTest
    @CsvSource({"ecg.critical.pause-seconds,0.2", "ecg.critical.bradycardia-bpm,5", "ecg.critical.tachycardia-bpm,99",
            "ecg.critical.tachycardia-seconds,0", "ecg.critical.st-elevation-limb-v4-v6-mv,3",
            "ecg.critical.st-elevation-v1-v3-mv,0", "ecg.max-upload-bytes,100", "ecg.max-upload-bytes,67108865"})
    void implausibleValueStopsStartUpNamingTheKey(String key, String value) {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of()).override(key, value).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }
}
