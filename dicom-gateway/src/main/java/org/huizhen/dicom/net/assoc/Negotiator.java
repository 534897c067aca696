package org.huizhen.dicom.net.assoc;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.huizhen.dicom.net.pdu.AAssociateAc;
import org.huizhen.dicom.net.pdu.AAssociateRj;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.PresentationContextAc;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.pdu.UserIdentity;
import org.huizhen.dicom.net.pdu.UserInformation;

/**
 * The acceptor's answer to an A-ASSOCIATE-RQ (PS3.8 7.1, PS3.7 Annex D): protocol version and
 * application context checks, called AE title, the {@link AssociationPolicy}, then per
 * presentation context the abstract and transfer syntax, plus the User Information answers
 * (maximum length, implementation identification, asynchronous operations window, role
 * selection, extended negotiation, user identity).
 *
 * <p>Stateless apart from its settings; thread-safe if the policies are.
 */
public final class Negotiator {
  /** Our Implementation Class UID (PS3.7 D.3.3.2), under the project's root. */
  public static final String IMPLEMENTATION_CLASS_UID = "1.2.826.0.1.3680043.10.1515.1";
  /** Our Implementation Version Name (PS3.7 D.3.3.2, at most 16 characters). */
  public static final String IMPLEMENTATION_VERSION_NAME = "HUIZHEN_010";

  /**
   * The storage SOP classes: those under the arc PS3.4 Annex B / PS3.6 Annex A give them
   * ({@code 1.2.840.10008.5.1.4.1.1.}). The default set for which a requestor may take the SCP
   * role, so that C-GET can send it instances (PS3.4 C.4.3, PS3.7 D.3.3.4).
   */
  public static final java.util.function.Predicate<String> STORAGE_SOP_CLASS =
      uid -> uid.startsWith("1.2.840.10008.5.1.4.1.1.");

  private final AcceptorSettings settings;

  public Negotiator(AcceptorSettings settings) {
    this.settings = settings;
  }

  /** The result: either an AC with what it accepted, or an RJ. */
  public sealed interface Outcome permits Accepted, Rejected {}

  public record Accepted(AAssociateAc ac, List<NegotiatedContext> contexts, Object attachment)
      implements Outcome {}

  public record Rejected(AAssociateRj rj) implements Outcome {}

  public Outcome negotiate(AAssociateRq rq, InetSocketAddress remote) {
    // PS3.8 9.3.2: bit 0 of the protocol version is version 1, the only one defined
    if ((rq.protocolVersion() & 1) == 0) {
      return reject(AssociationDecision.Reject.PROTOCOL_VERSION_NOT_SUPPORTED);
    }
    if (!AAssociateRq.DICOM_APPLICATION_CONTEXT.equals(rq.applicationContext())) {
      return reject(AssociationDecision.Reject.APPLICATION_CONTEXT_NOT_SUPPORTED);
    }
    if (settings.strictCalledAe() && !settings.aeTitle().equals(rq.calledAe())) {
      return reject(AssociationDecision.Reject.CALLED_AE_NOT_RECOGNIZED);
    }
    UserInformation rqUi = rq.userInformation();
    AssociationRequestInfo info = new AssociationRequestInfo(rq.callingAe(), rq.calledAe(), remote,
        rqUi.identityRq());
    AssociationDecision decision = settings.policy().decide(info);
    if (decision instanceof AssociationDecision.Reject r) {
      return reject(r);
    }
    Object attachment = ((AssociationDecision.Accept) decision).attachment();

    List<PresentationContextAc> answers = new ArrayList<>(rq.presentationContexts().size());
    List<NegotiatedContext> accepted = new ArrayList<>();
    for (PresentationContextRq pc : rq.presentationContexts()) {
      if (!settings.abstractSyntaxes().test(pc.abstractSyntax())) {
        answers.add(new PresentationContextAc(pc.id(),
            PresentationContextAc.RESULT_ABSTRACT_SYNTAX_NOT_SUPPORTED, pc.transferSyntaxes().get(0)));
        continue;
      }
      // the first proposed transfer syntax that we support (the proposer's order of preference)
      Optional<String> ts = pc.transferSyntaxes().stream()
          .filter(settings.transferSyntaxes()::contains).findFirst();
      if (ts.isEmpty()) {
        answers.add(new PresentationContextAc(pc.id(),
            PresentationContextAc.RESULT_TRANSFER_SYNTAXES_NOT_SUPPORTED, pc.transferSyntaxes().get(0)));
        continue;
      }
      answers.add(new PresentationContextAc(pc.id(), PresentationContextAc.RESULT_ACCEPTANCE, ts.get()));
      accepted.add(new NegotiatedContext(pc.id(), pc.abstractSyntax(), ts.get()));
    }

    // PS3.7 D.3.3.4: answer role selection for SOP classes we accepted. The requestor keeps the
    // SCU role it asks for; it gets the SCP role it asks for only where we would act as SCU for
    // the class (storage classes, so that C-GET can send it C-STORE-RQs)
    List<RoleSelection> roles = rqUi.roleSelections().stream()
        .filter(r -> accepted.stream().anyMatch(c -> c.abstractSyntax().equals(r.sopClassUid())))
        .map(r -> new RoleSelection(r.sopClassUid(), r.scu(),
            r.scp() && settings.requestorScpRole().test(r.sopClassUid())))
        .toList();
    // PS3.7 D.3.3.3: we perform operations one at a time, so answer 1/1 when a window is proposed
    OptionalInt window = rqUi.asyncOpsInvoked().isPresent() ? OptionalInt.of(1) : OptionalInt.empty();
    // PS3.7 D.3.3.7.2: positive response only when requested; empty for username types
    Optional<byte[]> identityAc = rqUi.identityRq()
        .filter(UserIdentity::positiveResponseRequested)
        .map(id -> new byte[0]);
    UserInformation ui = new UserInformation(settings.maxPduLengthReceived(),
        IMPLEMENTATION_CLASS_UID, Optional.of(IMPLEMENTATION_VERSION_NAME), window, window, roles,
        settings.extendedNegotiation().answer(info, rqUi.extendedNegotiations()),
        Optional.empty(), identityAc);
    AAssociateAc ac = new AAssociateAc(1, rq.calledAe(), rq.callingAe(),
        AAssociateRq.DICOM_APPLICATION_CONTEXT, answers, ui);
    return new Accepted(ac, accepted, attachment);
  }

  private static Rejected reject(AssociationDecision.Reject r) {
    return new Rejected(new AAssociateRj(r.result(), r.source(), r.reason()));
  }
}
