package org.huizhen.dicom.net.assoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.pdu.UserInformation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SCP/SCU Role Selection answers of the {@link Negotiator} (PS3.7 D.3.3.4), as C-GET needs them. */
class NegotiatorRoleSelectionTest {
  private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

  private static RoleSelection answer(String sopClass, boolean scu, boolean scp, Predicate<String> scpRole) {
    AcceptorSettings settings = new AcceptorSettings("HUB", true, uid -> true, List.of(EXPLICIT_LE),
        AssociationPolicy.acceptAll(), ExtendedNegotiationPolicy.none(), 16384, scpRole);
    UserInformation ui = new UserInformation(16384, "1.2.3", Optional.empty(), OptionalInt.empty(),
        OptionalInt.empty(), List.of(new RoleSelection(sopClass, scu, scp)), List.of(), Optional.empty(),
        Optional.empty());
    AAssociateRq rq = new AAssociateRq(1, "HUB", "VIEWER", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextRq(1, sopClass, List.of(EXPLICIT_LE))), ui);
    var outcome = new Negotiator(settings).negotiate(rq, new InetSocketAddress("127.0.0.1", 11112));
    assertThat(outcome).isInstanceOf(Negotiator.Accepted.class);
    return ((Negotiator.Accepted) outcome).ac().userInformation().roleSelections().get(0);
  }

  @ParameterizedTest(name = "{0} scu={1} scp={2} -> scp {3}")
  @CsvSource({
      // CT Image Storage: a storage class, the requestor may be SCP (receive C-GET sub-operations)
      "1.2.840.10008.5.1.4.1.1.2, false, true, true",
      "1.2.840.10008.5.1.4.1.1.2, true, true, true",
      // not asked for: not granted
      "1.2.840.10008.5.1.4.1.1.2, true, false, false",
      // Study Root FIND is not a storage class: we never act as its SCU
      "1.2.840.10008.5.1.4.1.2.2.1, true, true, false",
      // Verification
      "1.2.840.10008.1.1, true, true, false"})
  void grantsTheRequestorScpRoleOnlyForStorageClasses(String sopClass, boolean scu, boolean scp, boolean granted) {
    RoleSelection r = answer(sopClass, scu, scp, Negotiator.STORAGE_SOP_CLASS);
    assertThat(r.scp()).isEqualTo(granted);
    assertThat(r.scu()).as("the requestor keeps the SCU role it asks for").isEqualTo(scu);
  }

  @ParameterizedTest
  @CsvSource({"1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.7"})
  void refusesTheScpRoleWhenConfiguredNotTo(String sopClass) {
    assertThat(answer(sopClass, false, true, uid -> false).scp()).isFalse();
  }
}
