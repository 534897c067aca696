package org.huizhen.hub.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.net.ClientAssociation;
import org.huizhen.dicom.net.DicomClient;
import org.huizhen.dicom.net.PresentationContextProposal;
import org.huizhen.dicom.net.dimse.DimseResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code huizhen echo AET@HOST:PORT}: C-ECHO (Verification, PS3.4 A.4) against a peer. */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Verify a DICOM peer with C-ECHO.")
public final class EchoCommand implements Callable<Integer> {
    static final String VERIFICATION = "1.2.840.10008.1.1";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";

    @Parameters(index = "0", paramLabel = "AET@HOST:PORT", converter = Peer.Converter.class, description = "The peer.")
    Peer peer;
    @Mixin
    ScuOptions scu;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        ClientAssociation assoc;
        try {
            assoc = DicomClient.connect(scu.clientConfig(peer),
                    List.of(PresentationContextProposal.of(VERIFICATION, EXPLICIT_LE, IMPLICIT_LE)))
                    .get(scu.timeoutSeconds + 5L, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            System.err.println("huizhen echo: cannot associate with " + peer + ": " + ScuErrors.describe(e.getCause()));
            return Main.EXIT_UNAVAILABLE;
        }
        try {
            DimseResponse rsp = assoc.echo().get(scu.timeoutSeconds, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - start) / 1e6;
            System.out.printf("C-ECHO %s: %s in %.1f ms%n", peer, rsp.status(), ms);
            return rsp.status().isSuccess() ? 0 : Main.EXIT_PARTIAL;
        } finally {
            assoc.release().exceptionally(t -> null).get(scu.timeoutSeconds, TimeUnit.SECONDS);
        }
    }
}
