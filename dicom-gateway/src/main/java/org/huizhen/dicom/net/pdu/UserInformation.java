package org.huizhen.dicom.net.pdu;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * User Information item (PS3.8 9.3.2.3 / 9.3.3.3 and PS3.7 Annex D.3.3) as carried by
 * A-ASSOCIATE-RQ and -AC. Sub-items this layer does not know are skipped by the decoder.
 *
 * @param maxPduLength maximum length of a P-DATA-TF variable field the sender accepts; 0 = unlimited
 * @param asyncOpsInvoked asynchronous operations window: max operations invoked; empty if absent
 * @param asyncOpsPerformed asynchronous operations window: max operations performed
 * @param identityRq the 0x58 item (only in RQ)
 * @param identityServerResponse the 0x59 item (only in AC); empty array for "positive, no data"
 */
public record UserInformation(long maxPduLength, String implementationClassUid,
    Optional<String> implementationVersionName, OptionalInt asyncOpsInvoked,
    OptionalInt asyncOpsPerformed, List<RoleSelection> roleSelections,
    List<ExtendedNegotiation> extendedNegotiations, Optional<UserIdentity> identityRq,
    Optional<byte[]> identityServerResponse) {

  public UserInformation {
    roleSelections = List.copyOf(roleSelections);
    extendedNegotiations = List.copyOf(extendedNegotiations);
    identityServerResponse = identityServerResponse.map(byte[]::clone);
  }

  /** Only the mandatory sub-items. */
  public static UserInformation minimal(long maxPduLength, String implementationClassUid) {
    return new UserInformation(maxPduLength, implementationClassUid, Optional.empty(),
        OptionalInt.empty(), OptionalInt.empty(), List.of(), List.of(), Optional.empty(),
        Optional.empty());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserInformation u && u.maxPduLength == maxPduLength
        && u.implementationClassUid.equals(implementationClassUid)
        && u.implementationVersionName.equals(implementationVersionName)
        && u.asyncOpsInvoked.equals(asyncOpsInvoked)
        && u.asyncOpsPerformed.equals(asyncOpsPerformed)
        && u.roleSelections.equals(roleSelections)
        && u.extendedNegotiations.equals(extendedNegotiations)
        && u.identityRq.equals(identityRq)
        && u.identityServerResponse.isPresent() == identityServerResponse.isPresent()
        && Arrays.equals(u.identityServerResponse.orElse(null),
            identityServerResponse.orElse(null));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(maxPduLength) * 31 + implementationClassUid.hashCode();
  }
}
