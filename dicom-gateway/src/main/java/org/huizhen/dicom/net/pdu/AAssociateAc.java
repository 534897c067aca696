package org.huizhen.dicom.net.pdu;

import java.util.List;
import java.util.Optional;

/**
 * A-ASSOCIATE-AC PDU (PS3.8 9.3.3). The AE titles are echoed from the request and not
 * significant.
 */
public record AAssociateAc(int protocolVersion, String calledAe, String callingAe,
    String applicationContext, List<PresentationContextAc> presentationContexts,
    UserInformation userInformation) implements Pdu {

  public AAssociateAc {
    presentationContexts = List.copyOf(presentationContexts);
  }

  /** The result item for a presentation context id. */
  public Optional<PresentationContextAc> context(int id) {
    return presentationContexts.stream().filter(pc -> pc.id() == id).findFirst();
  }
}
