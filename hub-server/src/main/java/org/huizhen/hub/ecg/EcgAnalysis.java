package org.huizhen.hub.ecg;

import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.measure.CriticalFlag;
import org.huizhen.dicom.ecg.measure.CriticalRules;
import org.huizhen.dicom.ecg.measure.CriticalScreen;
import org.huizhen.dicom.ecg.measure.EcgAnalyzer;
import org.huizhen.dicom.ecg.measure.EcgMeasurements;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.storage.index.EcgPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ECG with the hub's measurements ({@link EcgAnalyzer#measure}) and the critical flags of
 * the configured rules ({@link CriticalScreen#screen}); any flag makes it {@link EcgPriority#STAT}.
 *
 * <p>A measurement that fails with an unexpected exception does not lose the ECG: the tracing is
 * still stored and shown to a cardiologist, with {@link #failure} saying why the hub has no
 * values (logged as HZ-7020), and the ECG is STAT, because an ECG the hub could not screen must
 * not wait in the routine queue.
 *
 * <p>Immutable. {@link #of} is CPU work (milliseconds for a 10 s 12-lead): call it off the event loop.
 *
 * @param ecg          the model as read
 * @param measurements the hub's measurements, empty when measuring failed
 * @param flags        the critical flags, in rhythm order
 * @param failure      why measuring or screening failed, if it did
 */
public record EcgAnalysis(Ecg ecg, Optional<EcgMeasurements> measurements, List<CriticalFlag> flags,
                          Optional<String> failure) {
    private static final Logger LOG = LoggerFactory.getLogger(EcgAnalysis.class);

    public EcgAnalysis {
        flags = List.copyOf(flags);
    }

    /** Measures and screens {@code ecg} with {@code rules}. */
    public static EcgAnalysis of(Ecg ecg, CriticalRules rules) {
        EcgMeasurements m;
        try {
            m = EcgAnalyzer.measure(ecg);
        } catch (RuntimeException e) {
            LOG.error("HZ-7020 measuring an ECG ({}) failed; stored without the hub's measurements", ecg.format(), e);
            return new EcgAnalysis(ecg, Optional.empty(), List.of(), Optional.of("HZ-7020 measurement failed: " + e));
        }
        try {
            return new EcgAnalysis(ecg, Optional.of(m), CriticalScreen.screen(ecg, m, rules), Optional.empty());
        } catch (RuntimeException e) {
            LOG.error("HZ-7021 critical screening of an ECG ({}) failed; it is STAT until read", ecg.format(), e);
            return new EcgAnalysis(ecg, Optional.of(m), List.of(), Optional.of("HZ-7021 critical screening failed: " + e));
        }
    }

    /** STAT when a rule flagged the ECG or it could not be screened, else ROUTINE. */
    public EcgPriority priority() {
        return flags.isEmpty() && failure.isEmpty() ? EcgPriority.ROUTINE : EcgPriority.STAT;
    }

    /** The critical rules of {@code ecg.critical.*}. */
    public static CriticalRules rules(HubConfig.Critical c) {
        return new CriticalRules(c.pauseSeconds(), c.bradycardiaBpm(), c.tachycardiaBpm(), c.tachycardiaSeconds(),
                c.stElevationLimbV4V6Mv(), c.stElevationV1V3Mv());
    }
}
