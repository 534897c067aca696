package org.huizhen.dicom.net.assoc;

/**
 * The answer of an {@link AssociationPolicy}: accept, with the application's per-association
 * context, or reject with the A-ASSOCIATE-RJ values of PS3.8 9.3.4 Table 9-21.
 */
public sealed interface AssociationDecision permits AssociationDecision.Accept,
    AssociationDecision.Reject {

  /** @param attachment the application's context for the association (may be null) */
  record Accept(Object attachment) implements AssociationDecision {
  }

  /**
   * @param result {@link #RESULT_PERMANENT} or {@link #RESULT_TRANSIENT}
   * @param source {@link #SOURCE_SERVICE_USER}, {@link #SOURCE_ACSE} or {@link #SOURCE_PRESENTATION}
   * @param reason meaning depends on the source, see the {@code REASON_*} constants
   */
  record Reject(int result, int source, int reason) implements AssociationDecision {
    public static final int RESULT_PERMANENT = 1;
    public static final int RESULT_TRANSIENT = 2;

    public static final int SOURCE_SERVICE_USER = 1;
    public static final int SOURCE_ACSE = 2;
    public static final int SOURCE_PRESENTATION = 3;

    /** Source 1 (service-user) reasons. */
    public static final int REASON_NO_REASON_GIVEN = 1;
    public static final int REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2;
    public static final int REASON_CALLING_AE_TITLE_NOT_RECOGNIZED = 3;
    public static final int REASON_CALLED_AE_TITLE_NOT_RECOGNIZED = 7;
    /** Source 2 (service-provider, ACSE) reasons. */
    public static final int REASON_ACSE_NO_REASON_GIVEN = 1;
    public static final int REASON_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Source 3 (service-provider, presentation) reasons. */
    public static final int REASON_TEMPORARY_CONGESTION = 1;
    public static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

    public static final Reject CALLING_AE_NOT_RECOGNIZED =
        new Reject(RESULT_PERMANENT, SOURCE_SERVICE_USER, REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
    public static final Reject CALLED_AE_NOT_RECOGNIZED =
        new Reject(RESULT_PERMANENT, SOURCE_SERVICE_USER, REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
    public static final Reject NO_REASON =
        new Reject(RESULT_PERMANENT, SOURCE_SERVICE_USER, REASON_NO_REASON_GIVEN);
    public static final Reject APPLICATION_CONTEXT_NOT_SUPPORTED = new Reject(RESULT_PERMANENT,
        SOURCE_SERVICE_USER, REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
    public static final Reject PROTOCOL_VERSION_NOT_SUPPORTED =
        new Reject(RESULT_PERMANENT, SOURCE_ACSE, REASON_PROTOCOL_VERSION_NOT_SUPPORTED);
    public static final Reject LOCAL_LIMIT_EXCEEDED =
        new Reject(RESULT_TRANSIENT, SOURCE_PRESENTATION, REASON_LOCAL_LIMIT_EXCEEDED);
  }
}
