package org.huizhen.dicom.ecg.measure;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Screens an ECG for critical patterns that raise its priority (the ECG items of Chinese
 * provincial critical-value lists, 心电图危急值; thresholds in {@link CriticalRules}). Every flag
 * is a candidate for the reading physician, never a diagnosis. Stateless and thread-safe.
 *
 * <p>Rules:
 * <ul>
 * <li><b>pause</b>: any RR interval ≥ {@code pauseSeconds}; one flag for the longest, with its
 * position and the number of such pauses. Silence before the first or after the last detected
 * beat is not an RR interval and is not flagged (a recording that starts or ends in a pause
 * cannot say how long it was); nor is a tracing without beats (far more often lead-off than
 * asystole; the reader sees the tracing).</li>
 * <li><b>bradycardia</b>: mean ventricular rate below {@code bradycardiaBpm}.</li>
 * <li><b>tachycardia</b>: "sustained" means the rate over a window of at least
 * {@code tachycardiaSeconds} is ≥ {@code tachycardiaBpm}: for every beat, the rate from it to
 * the first beat at least that long after it; windows at or over the threshold are merged into
 * episodes, each flagged with its highest window rate. A recording shorter than
 * {@code tachycardiaSeconds} (a resting 10 s ECG) can never show a sustained tachycardia and gets
 * no tachycardia flag, whatever its rate: the rate is in the measurements, and flagging every
 * 10 s sinus tachycardia at 150/min would drown the critical-value workflow.</li>
 * <li><b>st-elevation</b>: on the median beat, ST level at J + 60 ms (J = QRS offset; J + 40 ms
 * at rates ≥ 120/min, where the T wave begins earlier — the hub's choice) relative to
 * the PR-segment baseline (AHA/ACCF/HRS 2009 recommendations for the ST segment: J-point
 * reference, PR-segment baseline); ≥ {@code stElevationLimbAndV4to6Mv} in I, II, III, aVL, aVF,
 * V4–V6, &gt; {@code stElevationV1to3Mv} in V1–V3, and — as the Fourth Universal Definition of
 * Myocardial Infarction (Thygesen et al., 2018) asks — in at least two contiguous leads: the
 * inferior leads II, III, aVF with each other, I with aVL, and neighbouring precordial leads (Vn,
 * Vn±1). One flag per lead that qualifies. aVR is not screened (its ST elevation is read with
 * the diffuse ST depression it mirrors, not as a contiguous-lead pattern).</li>
 * </ul>
 */
public final class CriticalScreen {
    /** ST is measured this long after the J point (ms). */
    static final double ST_OFFSET_MS = 60;
    /** At rates ≥ {@link #FAST_BPM} the ST segment is short and J+60 falls on the T wave's upstroke: J+40 then. */
    static final double ST_OFFSET_FAST_MS = 40;
    static final double FAST_BPM = 120;

    private static final Set<LeadName> V1_TO_3 = Set.of(LeadName.V1, LeadName.V2, LeadName.V3);
    private static final Map<LeadName, List<LeadName>> CONTIGUOUS = new EnumMap<>(LeadName.class);

    static {
        CONTIGUOUS.put(LeadName.II, List.of(LeadName.III, LeadName.AVF));
        CONTIGUOUS.put(LeadName.III, List.of(LeadName.II, LeadName.AVF));
        CONTIGUOUS.put(LeadName.AVF, List.of(LeadName.II, LeadName.III));
        CONTIGUOUS.put(LeadName.I, List.of(LeadName.AVL));
        CONTIGUOUS.put(LeadName.AVL, List.of(LeadName.I));
        CONTIGUOUS.put(LeadName.V1, List.of(LeadName.V2));
        CONTIGUOUS.put(LeadName.V2, List.of(LeadName.V1, LeadName.V3));
        CONTIGUOUS.put(LeadName.V3, List.of(LeadName.V2, LeadName.V4));
        CONTIGUOUS.put(LeadName.V4, List.of(LeadName.V3, LeadName.V5));
        CONTIGUOUS.put(LeadName.V5, List.of(LeadName.V4, LeadName.V6));
        CONTIGUOUS.put(LeadName.V6, List.of(LeadName.V5));
    }

    private CriticalScreen() {
    }

    /** The flags the rules raise for this ECG and its measurements, in rhythm order; empty when none. */
    public static List<CriticalFlag> screen(Ecg ecg, EcgMeasurements m, CriticalRules rules) {
        double fs = ecg.rhythm().sampleRateHz();
        double duration = ecg.rhythm().durationSeconds();
        List<Integer> q = m.qrsSamples();
        List<CriticalFlag> out = new ArrayList<>();
        if (fs > 0) {
            pause(q, fs, rules, out);
            if (m.heartRateBpm() != null && m.heartRateBpm() < rules.bradycardiaBpm() && q.size() >= 2) {
                out.add(new CriticalFlag("bradycardia", String.format(Locale.ROOT,
                        "Mean ventricular rate %.0f/min (rule: < %.0f/min)", m.heartRateBpm(), rules.bradycardiaBpm()),
                        m.heartRateBpm(), "/min", rules.bradycardiaBpm(), null, q.getFirst() / fs, q.getLast() / fs));
            }
            if (duration >= rules.tachycardiaSeconds()) {
                tachycardia(q, fs, rules, out);
            }
            stElevation(ecg, rules, out);
        }
        out.sort(Comparator.comparingDouble(CriticalFlag::startSeconds));
        return List.copyOf(out);
    }

    private static void pause(List<Integer> q, double fs, CriticalRules rules, List<CriticalFlag> out) {
        int count = 0;
        int longest = -1;
        for (int i = 1; i < q.size(); i++) {
            double rr = (q.get(i) - q.get(i - 1)) / fs;
            if (rr >= rules.pauseSeconds()) {
                count++;
                if (longest < 0 || rr > (q.get(longest) - q.get(longest - 1)) / fs) {
                    longest = i;
                }
            }
        }
        if (longest > 0) {
            double a = q.get(longest - 1) / fs;
            double b = q.get(longest) / fs;
            out.add(new CriticalFlag("pause", String.format(Locale.ROOT,
                    "RR pause of %.2f s at %.2f–%.2f s (rule: ≥ %.1f s; %d pause%s)", b - a, a, b, rules.pauseSeconds(),
                    count, count == 1 ? "" : "s"), b - a, "s", rules.pauseSeconds(), null, a, b));
        }
    }

    private static void tachycardia(List<Integer> q, double fs, CriticalRules rules, List<CriticalFlag> out) {
        double win = rules.tachycardiaSeconds();
        double epStart = -1;
        double epEnd = -1;
        double epMax = 0;
        int j = 0;
        for (int i = 0; i < q.size(); i++) {
            double ti = q.get(i) / fs;
            if (j <= i) {
                j = i + 1;
            }
            while (j < q.size() && q.get(j) / fs - ti < win) {
                j++;
            }
            if (j >= q.size()) {
                break;
            }
            double tj = q.get(j) / fs;
            double rate = 60.0 * (j - i) / (tj - ti);
            if (rate >= rules.tachycardiaBpm()) {
                if (epStart >= 0 && ti <= epEnd) {
                    epEnd = Math.max(epEnd, tj);
                    epMax = Math.max(epMax, rate);
                } else {
                    flushTachy(epStart, epEnd, epMax, rules, out);
                    epStart = ti;
                    epEnd = tj;
                    epMax = rate;
                }
            }
        }
        flushTachy(epStart, epEnd, epMax, rules, out);
    }

    private static void flushTachy(double a, double b, double rate, CriticalRules rules, List<CriticalFlag> out) {
        if (a < 0) {
            return;
        }
        out.add(new CriticalFlag("tachycardia", String.format(Locale.ROOT,
                "Sustained rate up to %.0f/min over %.1f s at %.2f–%.2f s (rule: ≥ %.0f/min for ≥ %.0f s)", rate, b - a, a, b,
                rules.tachycardiaBpm(), rules.tachycardiaSeconds()), rate, "/min", rules.tachycardiaBpm(), null, a, b));
    }

    private static void stElevation(Ecg ecg, CriticalRules rules, List<CriticalFlag> out) {
        EcgAnalyzer.Analysis an = EcgAnalyzer.analyze(ecg);
        MedianBeat mb = an.median();
        Delineator.Waves wv = an.waves();
        if (mb == null || wv == null) {
            return;
        }
        double rate = an.measurements().heartRateBpm() == null ? 0 : an.measurements().heartRateBpm();
        double offsetMs = rate >= FAST_BPM ? ST_OFFSET_FAST_MS : ST_OFFSET_MS;
        int at = wv.qrsOff() + (int) Math.round(offsetMs * mb.fs() / 1000);
        if (at >= mb.length()) {
            return;
        }
        Map<LeadName, Double> stMv = new EnumMap<>(LeadName.class);
        Map<LeadName, String> labels = new EnumMap<>(LeadName.class);
        List<Lead> leads = an.leads();
        for (int l = 0; l < leads.size(); l++) {
            LeadName n = leads.get(l).name();
            if (CONTIGUOUS.containsKey(n) && !stMv.containsKey(n)) {
                stMv.put(n, (mb.leads()[l][at] - wv.baseline()[l]) / 1000.0);
                labels.put(n, leads.get(l).label());
            }
        }
        double start = mb.beatsUsed()[0] / mb.fs();
        double end = mb.beatsUsed()[mb.beatsUsed().length - 1] / mb.fs();
        for (var e : stMv.entrySet()) {
            LeadName n = e.getKey();
            if (!meets(n, e.getValue(), rules)) {
                continue;
            }
            boolean contiguous = CONTIGUOUS.get(n).stream().anyMatch(k -> stMv.containsKey(k) && meets(k, stMv.get(k), rules));
            if (!contiguous) {
                continue;
            }
            boolean v13 = V1_TO_3.contains(n);
            double thr = v13 ? rules.stElevationV1to3Mv() : rules.stElevationLimbAndV4to6Mv();
            out.add(new CriticalFlag("st-elevation", String.format(Locale.ROOT,
                    "ST elevation %.2f mV in %s at J+%.0f ms on the median beat (rule: %s %.2f mV in 2 contiguous leads; candidate, not a diagnosis)",
                    e.getValue(), labels.get(n), offsetMs, v13 ? ">" : "≥", thr), e.getValue(), "mV", thr, labels.get(n),
                    start, end));
        }
    }

    private static boolean meets(LeadName n, double mv, CriticalRules rules) {
        return V1_TO_3.contains(n) ? mv > rules.stElevationV1to3Mv() : mv >= rules.stElevationLimbAndV4to6Mv();
    }
}
