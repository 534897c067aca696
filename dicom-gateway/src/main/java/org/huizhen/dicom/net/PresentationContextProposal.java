package org.huizhen.dicom.net;

import java.util.List;

/**
 * One presentation context a {@link DicomClient} proposes: an abstract syntax and the transfer
 * syntaxes it can send, in its order of preference (PS3.8 9.3.2.2).
 */
public record PresentationContextProposal(String abstractSyntax, List<String> transferSyntaxes) {
  public PresentationContextProposal {
    if (transferSyntaxes.isEmpty()) {
      throw new IllegalArgumentException("no transfer syntax for " + abstractSyntax);
    }
    transferSyntaxes = List.copyOf(transferSyntaxes);
  }

  public static PresentationContextProposal of(String abstractSyntax, String... transferSyntaxes) {
    return new PresentationContextProposal(abstractSyntax, List.of(transferSyntaxes));
  }
}
