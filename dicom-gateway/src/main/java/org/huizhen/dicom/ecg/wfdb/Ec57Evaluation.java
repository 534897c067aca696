package org.huizhen.dicom.ecg.wfdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.measure.QrsDetector;

/**
 * Beat-by-beat evaluation of the hub's QRS detector against reference annotations, by the
 * rules of ANSI/AAMI EC57 (as PhysioNet's {@code bxb} implements them; G. B. Moody, "Evaluating
 * ECG Analyzers", WFDB Applications Guide):
 * <ul>
 * <li>a detection matches a reference beat when they are at most 150 ms apart; each reference
 * beat pairs with at most one detection and vice versa (closest first);</li>
 * <li>the first 5 minutes are a learning period: reference beats and detections before 300 s
 * are not scored;</li>
 * <li>ventricular flutter/fibrillation episodes — from a '[' annotation to the next ']', or from
 * a rhythm annotation with aux "(VFL" or "(VF" to the next rhythm change — are not scored:
 * reference beats there are ignored and detections there are not false positives;</li>
 * <li>only beat annotations ({@link WfdbAnnotation#isBeat}) are reference beats.</li>
 * </ul>
 * Not implemented: bxb's separate tally of detections inside "unreadable" noise stretches
 * (shutdown); they count here as ordinary TP/FN/FP, which is stricter.
 *
 * <p>Stateless and thread-safe.
 */
public final class Ec57Evaluation {
    /** Match window (EC57; bxb -w default 0.15 s). */
    public static final double MATCH_WINDOW_S = 0.150;
    /** Learning period excluded from scoring (EC57; bxb -f default 5 min). */
    public static final double LEARNING_PERIOD_S = 300;

    private Ec57Evaluation() {
    }

    /**
     * Evaluates every WFDB record in {@code dir} (each {@code NAME.hea} with a {@code NAME.atr}),
     * in name order, running the detector on all the record's signals. {@code progress} receives
     * each record's line as it is done (may be null).
     */
    public static Ec57Report evaluate(Path dir, Consumer<Ec57Report.RecordResult> progress)
            throws IOException, EcgParseException {
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".hea"))
                    .map(f -> f.substring(0, f.length() - 4))
                    .filter(r -> Files.isRegularFile(dir.resolve(r + ".atr")))
                    .sorted()
                    .toList();
        }
        List<Ec57Report.RecordResult> out = new ArrayList<>();
        for (String name : names) {
            WfdbRecord rec = WfdbRecord.read(dir, name, "atr");
            Ec57Report.RecordResult r = evaluate(rec);
            out.add(r);
            if (progress != null) {
                progress.accept(r);
            }
        }
        return new Ec57Report(out);
    }

    /** Runs the detector on every signal of the record and scores it against its annotations. */
    public static Ec57Report.RecordResult evaluate(WfdbRecord rec) {
        int nsig = rec.adu().length;
        float[][] leads = new float[nsig][];
        for (int s = 0; s < nsig; s++) {
            leads[s] = rec.microvolts(s);
        }
        double fs = rec.header().frequencyHz();
        int[] det = QrsDetector.detect(leads, fs);
        return score(rec.header().recordName(), rec.annotations(), det, fs);
    }

    /** Scores detections (sample indices, ascending) against reference annotations. */
    public static Ec57Report.RecordResult score(String name, List<WfdbAnnotation> reference, int[] detections, double fs) {
        long start = Math.round(LEARNING_PERIOD_S * fs);
        long window = Math.round(MATCH_WINDOW_S * fs);
        List<long[]> vf = vfEpisodes(reference);
        List<Long> ref = new ArrayList<>();
        for (WfdbAnnotation a : reference) {
            if (a.isBeat() && a.sample() >= start && !inside(vf, a.sample())) {
                ref.add(a.sample());
            }
        }
        List<Long> det = new ArrayList<>();
        for (int d : detections) {
            if (d >= start && !inside(vf, d)) {
                det.add((long) d);
            }
        }
        // closest-first pairing: both lists are sorted; a reference beat takes the nearest free
        // detection unless that detection is nearer to the next reference beat
        boolean[] used = new boolean[det.size()];
        int tp = 0;
        int j = 0;
        for (int i = 0; i < ref.size(); i++) {
            long r = ref.get(i);
            while (j < det.size() && det.get(j) < r - window) {
                j++;
            }
            int best = -1;
            long bestDist = Long.MAX_VALUE;
            for (int k = j; k < det.size() && det.get(k) <= r + window; k++) {
                if (used[k]) {
                    continue;
                }
                long dist = Math.abs(det.get(k) - r);
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            if (best >= 0 && i + 1 < ref.size()) {
                long next = ref.get(i + 1);
                long dNext = Math.abs(det.get(best) - next);
                if (dNext < bestDist) {
                    // the detection belongs to the next beat; try an earlier free one for this beat
                    int alt = -1;
                    for (int k = j; k < best; k++) {
                        if (!used[k] && Math.abs(det.get(k) - r) <= window) {
                            alt = k;
                        }
                    }
                    best = alt;
                }
            }
            if (best >= 0) {
                used[best] = true;
                tp++;
            }
        }
        int fn = ref.size() - tp;
        int fp = det.size() - tp;
        return new Ec57Report.RecordResult(name, ref.size(), tp, fn, fp);
    }

    /** Ventricular flutter/fibrillation episodes as [start, end) sample ranges. */
    static List<long[]> vfEpisodes(List<WfdbAnnotation> ann) {
        List<long[]> out = new ArrayList<>();
        long open = -1;
        boolean byRhythm = false;
        for (WfdbAnnotation a : ann) {
            if (a.code() == WfdbAnnotation.VFON && open < 0) {
                open = a.sample();
                byRhythm = false;
            } else if (a.code() == WfdbAnnotation.VFOFF && open >= 0 && !byRhythm) {
                out.add(new long[] {open, a.sample() + 1});
                open = -1;
            } else if (a.code() == WfdbAnnotation.RHYTHM) {
                String aux = a.aux().strip().toUpperCase(Locale.ROOT);
                boolean vfl = aux.startsWith("(VF");
                if (open >= 0 && byRhythm && !vfl) {
                    out.add(new long[] {open, a.sample()});
                    open = -1;
                }
                if (vfl && open < 0) {
                    open = a.sample();
                    byRhythm = true;
                }
            }
        }
        if (open >= 0) {
            out.add(new long[] {open, Long.MAX_VALUE});
        }
        return out;
    }

    private static boolean inside(List<long[]> eps, long s) {
        for (long[] e : eps) {
            if (s >= e[0] && s < e[1]) {
                return true;
            }
        }
        return false;
    }
}
