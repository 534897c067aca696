package org.huizhen.dicom.ecg;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A set of simultaneously sampled leads: the rhythm recording, or a representative (median)
 * beat.
 *
 * @param sampleRateHz samples per second per lead
 * @param leads leads in the file's order; all the same length
 */
public record EcgWaveform(double sampleRateHz, List<Lead> leads) {
    public EcgWaveform {
        Objects.requireNonNull(leads, "leads");
        leads = List.copyOf(leads);
    }

    /** The lead with this standard name. */
    public Optional<Lead> lead(LeadName name) {
        return leads.stream().filter(l -> l.name() == name).findFirst();
    }

    /** Samples per lead (the shortest lead's length; 0 without leads). */
    public int samplesPerLead() {
        return leads.stream().mapToInt(Lead::length).min().orElse(0);
    }

    /** Duration in seconds. */
    public double durationSeconds() {
        return sampleRateHz <= 0 ? 0 : samplesPerLead() / sampleRateHz;
    }

    /** The lead names in order. */
    public List<String> labels() {
        return leads.stream().map(Lead::label).toList();
    }
}
