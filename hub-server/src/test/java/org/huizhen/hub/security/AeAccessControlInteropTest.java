package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.huizhen.dicom.net.PresentationContextProposal;
import org.huizhen.dicom.net.assoc.AssociateRejectedException;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropScu;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DICOM access control with a configured consortium (DESIGN.md "Security": associations only
 * from configured AE titles per institution): a known AE is accepted and what it sends is
 * recorded under its institution; an unknown calling AE, a wrong called AE, and a known AE
 * calling from a host other than the one it is pinned to are rejected with the PS3.8 Table 9-21
 * reason — seen from DCMTK's echoscu and from the hub's own client.
 */
class AeAccessControlInteropTest {
    /** A lead hospital whose reading AE is pinned to this machine, a clinic pinned elsewhere (TEST-NET-1, RFC 5737). */
    private static final String CONSORTIUM = """
              - id: lead
                name: 县人民医院
                role: lead-hospital
                aes:
                  - ae-title: READING1
                    host: 127.0.0.1
              - id: th-01
                name: 城关镇卫生院
                role: clinic
                aes:
                  - ae-title: TH01_CT
                    host: 192.0.2.10
            """;
    @TempDir
    Path tmp;
    private Hub hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = InteropHub.in(tmp.resolve("hub")).institutions(CONSORTIUM).start();
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void knownAeIsAcceptedAndTheInstanceRecordsItsInstitution() throws Exception {
        Path ct = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        DcmtkTools.Run echo = echoscu("READING1", "HUIZHEN");
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        DcmtkTools.Run store = DcmtkTools.run(List.of("storescu", "-aet", "READING1", "-aec", "HUIZHEN",
                "127.0.0.1", String.valueOf(hub.dicomPort()), ct.toString()), 60);
        assertThat(store.exitCode()).as(store.output()).isZero();

        StoredInstance si = hub.index().findInstance(InteropFiles.read(ct).sopInstanceUid()).orElseThrow();
        assertThat(si.institutionId()).isEqualTo("lead");
        assertThat(si.origin().institutionId()).isEqualTo("lead");
        assertThat(si.origin().protocol()).isEqualTo(Protocol.DIMSE);
        assertThat(si.origin().callingAe()).isEqualTo("READING1");
        assertThat(si.origin().calledAe()).isEqualTo("HUIZHEN");
        assertThat(si.origin().remoteHost()).isEqualTo("127.0.0.1");
    }

    /**
     * PS3.8 Table 9-21: result 1 (rejected-permanent), source 1 (service-user), reason 3 (calling
     * AE title not recognized) or 7 (called AE title not recognized).
     */
    @ParameterizedTest(name = "{0} calling {1}: reason {2}")
    @CsvSource({
            "INTRUDER, HUIZHEN, 3, Calling AE Title Not Recognized",
            "READING1, NOT_HUIZHEN, 7, Called AE Title Not Recognized",
            // TH01_CT is configured, but only from 192.0.2.10: from here it is not recognised
            "TH01_CT, HUIZHEN, 3, Calling AE Title Not Recognized"})
    void associationIsRejected(String callingAe, String calledAe, int reason, String dcmtkText) throws Exception {
        DcmtkTools.Run echo = echoscu(callingAe, calledAe);
        assertThat(echo.exitCode()).as(echo.output()).isNotZero();
        assertThat(echo.output()).contains("Association Rejected").contains("Rejected Permanent")
                .contains("Service User").contains(dcmtkText);

        Throwable t = catchThrowable(() -> InteropScu.connect(callingAe, calledAe, hub.dicomPort(),
                List.of(PresentationContextProposal.of(InteropScu.VERIFICATION, InteropScu.EXPLICIT_LE))));
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(AssociateRejectedException.class);
        AssociateRejectedException rj = (AssociateRejectedException) t.getCause();
        assertThat(rj.result()).isEqualTo(1);
        assertThat(rj.source()).isEqualTo(1);
        assertThat(rj.reason()).isEqualTo(reason);

        DcmtkTools.Run store = DcmtkTools.run(List.of("storescu", "-aet", callingAe, "-aec", calledAe, "127.0.0.1",
                String.valueOf(hub.dicomPort()), DcmtkTools.testdata().resolve("dicom/CT_small.dcm").toString()), 60);
        assertThat(store.exitCode()).as(store.output()).isNotZero();
        assertThat(hub.index().instanceCount()).isZero();
    }

    private DcmtkTools.Run echoscu(String callingAe, String calledAe) {
        DcmtkTools.requireTool("echoscu");
        return DcmtkTools.run(List.of("echoscu", "-v", "-aet", callingAe, "-aec", calledAe, "127.0.0.1",
                String.valueOf(hub.dicomPort())), 30);
    }
}
