package org.huizhen.dicom.net.pdu;

/**
 * A presentation context item of an A-ASSOCIATE-AC (PS3.8 9.3.3.2, Table 9-18).
 *
 * @param result one of the {@code RESULT_*} constants
 * @param transferSyntax the accepted transfer syntax; when not accepted, not significant
 */
public record PresentationContextAc(int id, int result, String transferSyntax) {
  public static final int RESULT_ACCEPTANCE = 0;
  public static final int RESULT_USER_REJECTION = 1;
  public static final int RESULT_NO_REASON = 2;
  public static final int RESULT_ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
  public static final int RESULT_TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

  public boolean accepted() {
    return result == RESULT_ACCEPTANCE;
  }
}
