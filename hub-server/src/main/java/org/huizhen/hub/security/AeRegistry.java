package org.huizhen.hub.security;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.huizhen.hub.config.HubConfig;

/**
 * Which consortium member a calling AE title belongs to. Built from {@code institutions} in
 * the configuration; an entry may pin the AE to one host (name or address), in which case a
 * call from elsewhere is not recognised. With {@code dicom.accept-any-ae} (demos only) an
 * unknown AE is treated as the lead hospital's reading AE under the institution
 * {@link #DEMO_INSTITUTION}.
 *
 * <p>Immutable after construction; safe to use from any thread (host names are resolved per
 * call, which happens once per association).
 */
public final class AeRegistry {
    /** Institution id given to unknown AEs in demo mode. */
    public static final String DEMO_INSTITUTION = "demo";

    /** A recognised caller. */
    public record Caller(String institutionId, String institutionName, boolean leadHospital, String aeTitle) {
    }

    private record Entry(String aeTitle, Optional<String> host, HubConfig.Institution institution) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final boolean acceptAny;

    public AeRegistry(List<HubConfig.Institution> institutions, boolean acceptAny) {
        for (HubConfig.Institution inst : institutions) {
            for (HubConfig.AeEntry ae : inst.aes()) {
                entries.add(new Entry(ae.aeTitle().trim(), ae.hostOpt(), inst));
            }
        }
        this.acceptAny = acceptAny;
    }

    /**
     * Finds the institution of {@code callingAe} calling from {@code remote}.
     * AE titles compare without leading/trailing spaces and case-sensitively (PS3.5 Table 6.2-1
     * allows mixed case and peers treat it as significant).
     */
    public Optional<Caller> identify(String callingAe, InetAddress remote) {
        String aet = callingAe == null ? "" : callingAe.trim();
        for (Entry e : entries) {
            if (e.aeTitle().equals(aet) && (e.host().isEmpty() || hostMatches(e.host().get(), remote))) {
                HubConfig.Institution inst = e.institution();
                return Optional.of(new Caller(inst.id(), inst.name() == null ? inst.id() : inst.name(),
                        "lead-hospital".equals(inst.role()), aet));
            }
        }
        if (acceptAny) {
            return Optional.of(new Caller(DEMO_INSTITUTION, "Demo (any AE accepted)", true, aet));
        }
        return Optional.empty();
    }

    private static boolean hostMatches(String configured, InetAddress remote) {
        if (remote == null) {
            return false;
        }
        if (configured.equals(remote.getHostAddress())) {
            return true;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(configured)) {
                if (a.equals(remote)) {
                    return true;
                }
            }
        } catch (java.net.UnknownHostException e) {
            return configured.toLowerCase(Locale.ROOT).equals(remote.getHostName().toLowerCase(Locale.ROOT));
        }
        return false;
    }
}
