package org.huizhen.hub.ecg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.Ecg;

/**
 * The text lines printed above the 12-lead grid ({@code EcgRenderer}): patient, sex/age,
 * acquisition time, institution, device, then the hub's measurements in the order carts print
 * them ("HR 72 bpm  PR 160 ms  QRS 92 ms  QT/QTc 380/410 ms  Axes P/QRS/T 45/30/40°", QTc by
 * Bazett as on most carts' printouts) and one line per critical flag. Labels are bilingual
 * (Chinese first: the readers are in Chinese hospitals). Values come from the stored JSON, so
 * the picture always shows what the API returns.
 *
 * <p>Stateless; thread-safe.
 */
public final class EcgHeader {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private EcgHeader() {
    }

    /**
     * @param measurements the hub's measurements as {@link EcgJson#measurements} writes them
     * @param flags        the critical flags as {@link EcgJson#flags} writes them
     * @param institution  the sending institution's name (or id)
     */
    public static List<String> lines(Ecg ecg, JsonObject measurements, JsonArray flags, String institution) {
        List<String> lines = new ArrayList<>();
        EcgPatient p = ecg.patient();
        lines.add("患者 Patient: " + text(p.name()) + "   ID: " + text(p.id()) + "   性别/年龄 Sex/Age: "
                + text(p.sex()) + " / " + age(ecg));
        EcgDevice d = ecg.device();
        String device = String.join(" ", java.util.stream.Stream.of(d.manufacturer(), d.model())
                .filter(Objects::nonNull).filter(s -> !s.isBlank()).toList());
        lines.add("采集时间 Acquired: " + (ecg.acquired() == null ? "—" : TIME.format(ecg.acquired()))
                + "   机构 Institution: " + text(institution) + "   设备 Device: " + text(device));
        JsonObject axes = measurements.getJsonObject("axes", new JsonObject());
        lines.add("HR " + num(measurements, "heartRateBpm") + " bpm  PR " + num(measurements, "prMs") + " ms  QRS "
                + num(measurements, "qrsMs") + " ms  QT/QTc " + num(measurements, "qtMs") + "/"
                + num(measurements, "qtcBazettMs") + " ms  Axes P/QRS/T " + num(axes, "p") + "/" + num(axes, "qrs")
                + "/" + num(axes, "t") + "°");
        if (measurements.containsKey("error")) {
            lines.add("测量失败 Not measured: " + measurements.getString("error"));
        }
        for (int i = 0; i < flags.size(); i++) {
            JsonObject f = flags.getJsonObject(i);
            lines.add("危急值候选 Critical candidate: " + f.getString("description", f.getString("rule")));
        }
        return lines;
    }

    private static String age(Ecg ecg) {
        EcgPatient p = ecg.patient();
        if (p.ageYears() != null) {
            return p.ageYears() + "y";
        }
        if (p.birthDate() != null && ecg.acquired() != null && !p.birthDate().isAfter(ecg.acquired().toLocalDate())) {
            return Period.between(p.birthDate(), ecg.acquired().toLocalDate()).getYears() + "y";
        }
        return "—";
    }

    private static String num(JsonObject o, String key) {
        Object v = o.getValue(key);
        return v instanceof Number n ? String.valueOf(Math.round(n.doubleValue())) : "—";
    }

    private static String text(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }
}
