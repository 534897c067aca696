package org.huizhen.dicom.ecg;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Computes the limb leads a file leaves out from the two it has, by Einthoven's and
 * Goldberger's relations: III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2.
 * Many carts (GE MUSE, Healforce, Philips) store only I, II and V1–V6.
 *
 * <p>Stateless.
 */
public final class DerivedLeads {
    private DerivedLeads() {
    }

    /**
     * The waveform with III, aVR, aVL and aVF added where absent and I and II are present,
     * then ordered I, II, III, aVR, aVL, aVF, V1–V6, others in file order. Without I or II it is
     * returned unchanged.
     */
    public static EcgWaveform complete(EcgWaveform w) {
        var i = w.lead(LeadName.I);
        var ii = w.lead(LeadName.II);
        if (i.isEmpty() || ii.isEmpty()) {
            return w;
        }
        float[] a = i.get().microvolts();
        float[] b = ii.get().microvolts();
        int n = Math.min(a.length, b.length);
        Map<LeadName, Lead> byName = new EnumMap<>(LeadName.class);
        List<Lead> others = new ArrayList<>();
        for (Lead l : w.leads()) {
            if (l.name() == LeadName.OTHER || byName.containsKey(l.name())) {
                others.add(l);
            } else {
                byName.put(l.name(), l);
            }
        }
        byName.computeIfAbsent(LeadName.III, k -> derive(k, n, j -> b[j] - a[j]));
        byName.computeIfAbsent(LeadName.AVR, k -> derive(k, n, j -> -(a[j] + b[j]) / 2f));
        byName.computeIfAbsent(LeadName.AVL, k -> derive(k, n, j -> a[j] - b[j] / 2f));
        byName.computeIfAbsent(LeadName.AVF, k -> derive(k, n, j -> b[j] - a[j] / 2f));
        List<Lead> out = new ArrayList<>();
        for (LeadName s : LeadName.STANDARD_12) {
            Lead l = byName.remove(s);
            if (l != null) {
                out.add(l);
            }
        }
        out.addAll(byName.values());
        out.addAll(others);
        return new EcgWaveform(w.sampleRateHz(), out);
    }

    private interface SampleFn {
        float at(int j);
    }

    private static Lead derive(LeadName name, int n, SampleFn fn) {
        float[] s = new float[n];
        for (int j = 0; j < n; j++) {
            s[j] = fn.at(j);
        }
        return new Lead(name, name.label(), s, true);
    }
}
