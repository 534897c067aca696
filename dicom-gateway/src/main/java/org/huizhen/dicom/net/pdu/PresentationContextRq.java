package org.huizhen.dicom.net.pdu;

import java.util.List;

/**
 * A presentation context item of an A-ASSOCIATE-RQ (PS3.8 9.3.2.2): one abstract syntax and
 * the transfer syntaxes the requestor proposes for it, in its order of preference.
 *
 * @param id odd number 1..255
 */
public record PresentationContextRq(int id, String abstractSyntax, List<String> transferSyntaxes) {
  public PresentationContextRq {
    transferSyntaxes = List.copyOf(transferSyntaxes);
  }
}
