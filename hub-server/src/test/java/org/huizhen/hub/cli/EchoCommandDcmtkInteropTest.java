package org.huizhen.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkStoreScp;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code huizhen echo} (C-ECHO, PS3.4 A.4) against DCMTK's {@code storescp} and against a hub
 * with a configured consortium: success is exit 0 with the status line; a rejected association
 * or an unreachable peer is exit 3 with the reason.
 */
class EchoCommandDcmtkInteropTest {
    @TempDir
    Path tmp;

    @Test
    void echoToStorescpSucceeds() {
        try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("in"), "STORESCP")) {
            String peer = "STORESCP@127.0.0.1:" + scp.port();
            CliRun r = CliRun.run("echo", peer);

            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.out()).containsPattern("C-ECHO " + peer + ": 0000\\(SUCCESS\\) in [0-9.]+ ms");
        }
    }

    @Test
    void echoRefusedByStorescpIsExit3() {
        // storescp --refuse answers every A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ
        try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("in"), "STORESCP", "--refuse")) {
            CliRun r = CliRun.run("echo", "STORESCP@127.0.0.1:" + scp.port());

            assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
            assertThat(r.err()).contains("cannot associate").contains("association rejected");
        }
    }

    @Test
    void echoFromAnUnknownAeToAHubWithAConsortiumIsExit3WithTheReason() throws Exception {
        try (Hub hub = InteropHub.in(tmp.resolve("hub")).institutions("""
                  - id: lead
                    name: Lead
                    role: lead-hospital
                    aes:
                      - ae-title: READING1
                """).start()) {
            CliRun rejected = CliRun.run("echo", InteropHub.address(hub), "--calling-ae", "INTRUDER");
            assertThat(rejected.exitCode()).as(rejected.output()).isEqualTo(3);
            assertThat(rejected.err()).contains("association rejected (permanent): calling AE title not recognized");

            CliRun known = CliRun.run("echo", InteropHub.address(hub), "--calling-ae", "READING1");
            assertThat(known.exitCode()).as(known.output()).isZero();
        }
    }

    @Test
    void echoToAnUnreachablePeerIsExit3() {
        CliRun r = CliRun.run("echo", "NOBODY@127.0.0.1:" + DcmtkTools.freePort(), "--timeout", "5");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.err()).contains("connection refused");
    }
}
