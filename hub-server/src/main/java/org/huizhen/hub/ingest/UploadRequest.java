package org.huizhen.hub.ingest;

import java.util.Objects;
import java.util.Optional;
import org.huizhen.dicom.net.service.FlowControl;
import org.huizhen.storage.index.Protocol;

/**
 * One instance arriving other than over a DIMSE association — a STOW-RS part (PS3.18 10.5) —
 * as {@link IngestService#beginUpload} needs it before any data-set byte: the UIDs and transfer
 * syntax taken from the part's own File Meta Information (PS3.10 7.1), who sends it, and how to
 * slow the sender down.
 *
 * <p>Immutable.
 *
 * @param sopClassUid             Media Storage SOP Class UID of the part
 * @param sopInstanceUid          Media Storage SOP Instance UID; the data set must carry the same
 *                                SOP Instance UID or it is refused (0xA900)
 * @param transferSyntaxUid       how the data-set bytes that follow are encoded
 * @param institutionId           the sending institution (the authenticated caller's)
 * @param protocol                recorded as the origin's protocol, e.g. {@link Protocol#STOW_RS}
 * @param callingAe               calling AE title, absent over HTTP
 * @param remoteHost              the peer's address as text, if known
 * @param flow                    pauses and resumes reading while the disk catches up; called on a
 *                                worker thread
 * @param requiredStudyInstanceUid when present, an instance of any other study is refused with
 *                                {@link UploadResult#WRONG_STUDY} and not stored
 */
public record UploadRequest(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                            String institutionId, Protocol protocol, Optional<String> callingAe,
                            Optional<String> remoteHost, FlowControl flow, Optional<String> requiredStudyInstanceUid) {

    public UploadRequest {
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(institutionId, "institutionId");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(callingAe, "callingAe");
        Objects.requireNonNull(remoteHost, "remoteHost");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(requiredStudyInstanceUid, "requiredStudyInstanceUid");
    }
}
