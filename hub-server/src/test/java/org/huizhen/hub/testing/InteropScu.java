package org.huizhen.hub.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.net.ClientAssociation;
import org.huizhen.dicom.net.ClientConfig;
import org.huizhen.dicom.net.DicomClient;
import org.huizhen.dicom.net.PresentationContextProposal;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseResponse;

/**
 * The project's own {@link DicomClient} as a test SCU against a hub on loopback: one
 * association per call, released afterwards. Used where a test needs what DCMTK cannot send
 * (garbage data sets, a command whose SOP Instance UID differs from the data set's) or needs
 * the exact A-ASSOCIATE-RJ fields.
 *
 * <p>Stateless; thread-safe.
 */
public final class InteropScu {
    /** Verification SOP Class (PS3.4 A.4). */
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final long TIMEOUT_SECONDS = 30;

    private InteropScu() {
    }

    /** A C-STORE to send: the command's UIDs and the data set bytes in {@code transferSyntaxUid}. */
    public record Store(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, DataSetSource dataSet) {
        /** A Part 10 file's data set, as its meta information describes it. */
        public static Store of(Path file) {
            InteropFiles.Part10 p = InteropFiles.read(file);
            long length;
            try {
                length = java.nio.file.Files.size(file) - p.dataSetOffset();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Store(p.sopClassUid(), p.sopInstanceUid(), p.transferSyntaxUid(),
                    DataSetSource.of(file, p.dataSetOffset(), length));
        }
    }

    /**
     * Connects from {@code callingAe} to {@code calledAe} at 127.0.0.1:{@code port}.
     *
     * @throws ExecutionException with the cause, e.g. an {@code AssociateRejectedException}
     */
    public static ClientAssociation connect(String callingAe, String calledAe, int port, List<PresentationContextProposal> pcs)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        ClientConfig cfg = ClientConfig.builder(callingAe, calledAe, "127.0.0.1", port).build();
        return DicomClient.connect(cfg, pcs).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Sends each store on one association, in order, and returns the responses. */
    public static List<DimseResponse> store(String callingAe, int port, Store... stores) throws Exception {
        List<PresentationContextProposal> pcs = java.util.Arrays.stream(stores)
                .map(s -> PresentationContextProposal.of(s.sopClassUid(), s.transferSyntaxUid()))
                .distinct().toList();
        ClientAssociation a = connect(callingAe, "HUIZHEN", port, pcs);
        try {
            List<DimseResponse> responses = new java.util.ArrayList<>();
            for (Store s : stores) {
                responses.add(a.store(s.sopClassUid(), s.sopInstanceUid(), s.transferSyntaxUid(), s.dataSet())
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            a.release().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** C-ECHO on a fresh association. */
    public static DimseResponse echo(String callingAe, int port) throws Exception {
        ClientAssociation a = connect(callingAe, "HUIZHEN", port,
                List.of(PresentationContextProposal.of(VERIFICATION, EXPLICIT_LE, IMPLICIT_LE)));
        try {
            return a.echo().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            a.release().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
