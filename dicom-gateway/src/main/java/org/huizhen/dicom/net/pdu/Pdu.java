package org.huizhen.dicom.net.pdu;

/**
 * One protocol data unit of the DICOM upper layer (PS3.8 9.3): the seven PDU types a peer
 * may send. Values of this type travel through the Netty pipeline between {@link PduDecoder},
 * {@link PduEncoder} and the association handler.
 *
 * <p>Every type except {@link PDataTf} is an immutable record without buffers;
 * {@link PDataTf} is reference counted because its PDVs hold {@code ByteBuf}s.
 */
public sealed interface Pdu permits AAssociateRq, AAssociateAc, AAssociateRj, PDataTf,
    AReleaseRq, AReleaseRp, AAbort {

  /** PDU type codes, PS3.8 Table 9-11 etc. */
  int TYPE_ASSOCIATE_RQ = 0x01;
  int TYPE_ASSOCIATE_AC = 0x02;
  int TYPE_ASSOCIATE_RJ = 0x03;
  int TYPE_P_DATA_TF = 0x04;
  int TYPE_RELEASE_RQ = 0x05;
  int TYPE_RELEASE_RP = 0x06;
  int TYPE_ABORT = 0x07;

  /** Length in bytes of the fixed PDU header: type, reserved, 32-bit length (PS3.8 9.3.1). */
  int HEADER_LENGTH = 6;
}
