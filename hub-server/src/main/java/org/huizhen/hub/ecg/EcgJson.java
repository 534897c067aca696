package org.huizhen.hub.ecg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.measure.CriticalFlag;
import org.huizhen.dicom.ecg.measure.EcgMeasurements;

/**
 * The JSON shapes of an ECG that the HTTP API, the stored record ({@code ecg_record}'s JSON
 * columns) and {@code huizhen ecg measure} share, so a value has one name everywhere:
 * the hub's measurements ({@code heartRateBpm}, {@code prMs}, {@code qrsMs}, {@code qtMs},
 * {@code qtcBazettMs}, {@code qtcFridericiaMs}, {@code axes {p, qrs, t}}), the critical flags,
 * the device's own values and statements (kept apart from the hub's), and a summary of the model.
 * Units: ms, beats/min, degrees, seconds, Hz, mV; a value that could not be measured is
 * {@code null}, never left out, so clients can rely on every key.
 *
 * <p>Stateless; thread-safe.
 */
public final class EcgJson {
    private EcgJson() {
    }

    /** The hub's measurements, or every value null (and {@code error}) when measuring failed. */
    public static JsonObject measurements(EcgAnalysis a) {
        Optional<EcgMeasurements> om = a.measurements();
        EcgMeasurements m = om.orElse(null);
        JsonObject o = new JsonObject()
                .put("heartRateBpm", m == null ? null : round(m.heartRateBpm()))
                .put("rrMs", m == null ? null : round(m.meanRrMs()))
                .put("prMs", m == null ? null : round(m.prMs()))
                .put("qrsMs", m == null ? null : round(m.qrsMs()))
                .put("qtMs", m == null ? null : round(m.qtMs()))
                .put("qtcBazettMs", m == null ? null : round(m.qtcBazettMs()))
                .put("qtcFridericiaMs", m == null ? null : round(m.qtcFridericiaMs()))
                .put("axes", new JsonObject()
                        .put("p", m == null ? null : round(m.pAxisDeg()))
                        .put("qrs", m == null ? null : round(m.qrsAxisDeg()))
                        .put("t", m == null ? null : round(m.tAxisDeg())))
                .put("beats", m == null ? null : m.qrsSamples().size());
        a.failure().ifPresent(f -> o.put("error", f));
        return o;
    }

    /** The critical flags: rule, description, value, unit, threshold, lead, where (s). */
    public static JsonArray flags(List<CriticalFlag> flags) {
        JsonArray arr = new JsonArray();
        for (CriticalFlag f : flags) {
            arr.add(new JsonObject().put("rule", f.rule()).put("description", f.description())
                    .put("value", round(f.value())).put("unit", f.unit()).put("threshold", f.threshold())
                    .put("lead", f.lead()).put("startSeconds", round(f.startSeconds()))
                    .put("endSeconds", round(f.endSeconds())));
        }
        return arr;
    }

    /** The device: who made it, its own measurements (absent ones null) and its statements. */
    public static JsonObject device(Ecg ecg) {
        DeviceMeasurements d = ecg.deviceMeasurements();
        return new JsonObject()
                .put("manufacturer", ecg.device().manufacturer())
                .put("model", ecg.device().model())
                .put("serialNumber", ecg.device().serialNumber())
                .put("software", ecg.device().software())
                .put("measurements", new JsonObject()
                        .put("heartRateBpm", round(d.heartRateBpm()))
                        .put("rrMs", round(d.rrMs()))
                        .put("prMs", round(d.prMs()))
                        .put("qrsMs", round(d.qrsMs()))
                        .put("qtMs", round(d.qtMs()))
                        .put("qtcMs", round(d.qtcMs()))
                        .put("axes", new JsonObject().put("p", round(d.pAxisDeg())).put("qrs", round(d.qrsAxisDeg()))
                                .put("t", round(d.tAxisDeg()))))
                .put("statements", new JsonArray(List.copyOf(ecg.deviceStatements())));
    }

    /**
     * What the model holds: lead labels (with the derived ones marked), sample rate, duration,
     * whether a representative beat came with it, patient sex/birth date/age, acquisition time.
     */
    public static JsonObject summary(Ecg ecg) {
        JsonArray derived = new JsonArray();
        ecg.rhythm().leads().stream().filter(Lead::derived).map(Lead::label).forEach(derived::add);
        return new JsonObject()
                .put("format", ecg.format().name())
                .put("leads", new JsonArray(ecg.rhythm().labels()))
                .put("derivedLeads", derived)
                .put("sampleRateHz", ecg.rhythm().sampleRateHz())
                .put("samplesPerLead", ecg.rhythm().samplesPerLead())
                .put("durationSeconds", round(ecg.rhythm().durationSeconds()))
                .put("representativeBeat", ecg.representativeBeat().isPresent())
                .put("acquired", ecg.acquired() == null ? null : ecg.acquired().toString())
                .put("patient", new JsonObject()
                        .put("sex", ecg.patient().sex())
                        .put("birthDate", ecg.patient().birthDate() == null ? null : ecg.patient().birthDate().toString())
                        .put("ageYears", ecg.patient().ageYears()));
    }

    /**
     * What {@code huizhen ecg measure} prints: the model's summary and the hub's measurements at
     * the top level, then {@code axes}, {@code criticalFlags}, {@code device} and {@code patient}.
     */
    public static JsonObject cli(EcgAnalysis a) {
        JsonObject summary = summary(a.ecg());
        JsonObject m = measurements(a);
        JsonObject o = new JsonObject()
                .put("format", summary.getString("format"))
                .put("leads", summary.getJsonArray("leads"))
                .put("derivedLeads", summary.getJsonArray("derivedLeads"))
                .put("sampleRateHz", summary.getDouble("sampleRateHz"))
                .put("durationSeconds", summary.getValue("durationSeconds"))
                .put("acquired", summary.getValue("acquired"));
        for (String k : List.of("heartRateBpm", "rrMs", "prMs", "qrsMs", "qtMs", "qtcBazettMs", "qtcFridericiaMs", "axes", "beats")) {
            o.put(k, m.getValue(k));
        }
        if (m.containsKey("error")) {
            o.put("error", m.getString("error"));
        }
        return o.put("priority", a.priority().name())
                .put("criticalFlags", flags(a.flags()))
                .put("device", device(a.ecg()))
                .put("patient", summary.getJsonObject("patient").copy()
                        .put("id", a.ecg().patient().id()).put("name", a.ecg().patient().name()));
    }

    /** Rounded to 0.1 (ms, bpm, degrees carry no meaningful hundredths); null stays null. */
    static Double round(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? null : Math.round(v * 10) / 10.0;
    }

    static Double round(double v) {
        return round(Double.valueOf(v));
    }
}
