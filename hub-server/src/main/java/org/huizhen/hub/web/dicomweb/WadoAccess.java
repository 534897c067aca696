package org.huizhen.hub.web.dicomweb;

import java.util.Set;

import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.security.Principal;

/**
 * Which institutions' data a WADO caller may read: a principal whose institution is a
 * {@code lead-hospital} of the consortium (or the demo institution {@value #DEMO}) sees every
 * institution, any other principal only its own (the rule of {@code QueryRetrieveService} for
 * DIMSE callers, applied to HTTP principals). Out-of-scope resources are answered as unknown
 * (404), so their existence is not revealed.
 *
 * <p>Immutable; thread-safe.
 *
 * @param leadInstitutions ids of the institutions whose principals see everything
 */
public record WadoAccess(Set<String> leadInstitutions) {

    /** The institution of the demo token printed by {@code serve} in demo mode. */
    public static final String DEMO = org.huizhen.hub.security.AeRegistry.DEMO_INSTITUTION;

    public WadoAccess {
        leadInstitutions = Set.copyOf(leadInstitutions);
    }

    /** The lead hospitals configured in {@code institutions:} of the hub's configuration. */
    public static WadoAccess fromConfig(HubConfig config) {
        return new WadoAccess(DicomWebResponses.leadHospitals(config));
    }

    /** Only {@value #DEMO} sees everything: the safe rule when the consortium is not known. */
    public static WadoAccess ownInstitutionOnly() {
        return new WadoAccess(Set.of());
    }

    /** True when {@code caller} may read data of every institution. */
    public boolean seesEverything(Principal caller) {
        return DEMO.equals(caller.institution()) || leadInstitutions.contains(caller.institution());
    }

    /** True when {@code caller} may read data stored for {@code institutionId}. */
    public boolean mayRead(Principal caller, String institutionId) {
        return seesEverything(caller) || caller.institution().equals(institutionId);
    }
}
