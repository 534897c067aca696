package org.huizhen.dicom.net.pdu;

/**
 * The limits {@link PduDecoder} enforces on received PDUs. A PDU that exceeds one becomes a
 * {@link PduDecodeFailure} (then an A-ABORT), never a large allocation.
 *
 * @param maxPduLengthReceived largest P-DATA-TF variable field we accept, bytes; this is the
 *     Maximum Length we announce in the User Information item (PS3.8 D.1)
 * @param maxAssociatePduLength largest A-ASSOCIATE-RQ/AC variable field, bytes
 * @param maxPresentationContexts most presentation context items in one A-ASSOCIATE PDU
 *     (PS3.8 allows 128, ids 1..255 odd)
 * @param maxUserIdentityFieldLength longest user identity primary/secondary field, bytes
 */
public record PduLimits(int maxPduLengthReceived, int maxAssociatePduLength,
    int maxPresentationContexts, int maxUserIdentityFieldLength) {

  /** Default maximum P-DATA-TF length: 64 KiB, enough for one CT row burst without many PDUs. */
  public static final int DEFAULT_MAX_PDU_LENGTH = 65_536;
  public static final PduLimits DEFAULTS =
      new PduLimits(DEFAULT_MAX_PDU_LENGTH, 262_144, 128, 8_192);

  public PduLimits {
    if (maxPduLengthReceived < 1024) {
      throw new IllegalArgumentException("maxPduLengthReceived < 1024: " + maxPduLengthReceived);
    }
    if (maxAssociatePduLength < 1024 || maxPresentationContexts < 1
        || maxUserIdentityFieldLength < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxAssociatePduLength);
    }
  }

  public PduLimits withMaxPduLengthReceived(int n) {
    return new PduLimits(n, maxAssociatePduLength, maxPresentationContexts,
        maxUserIdentityFieldLength);
  }
}
