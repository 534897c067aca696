package org.huizhen.dicom.net.assoc;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of the DICOM upper-layer protocol machine, PS3.8 9.2 Table 9-10, each carrying
 * the states it may move to (from the state table, PS3.8 Table 9-10 and 9.2.3). The
 * {@link AssociationHandler} asks {@link #canMoveTo(State)} before every change, so an
 * illegal transition is a programming error caught by an assertion.
 *
 * <p>Immutable; state changes happen on the channel's event loop only.
 */
public enum State {
  /** Idle. */
  STA1("Idle"),
  /** Transport connection open (awaiting A-ASSOCIATE-RQ PDU). */
  STA2("Transport connection open, awaiting A-ASSOCIATE-RQ"),
  /** Awaiting local A-ASSOCIATE response primitive (from local user). */
  STA3("Awaiting local A-ASSOCIATE response"),
  /** Awaiting transport connection opening to complete (from local transport service). */
  STA4("Awaiting transport connection"),
  /** Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU. */
  STA5("Awaiting A-ASSOCIATE-AC or -RJ"),
  /** Association established and ready for data transfer. */
  STA6("Association established"),
  /** Awaiting A-RELEASE-RP PDU. */
  STA7("Awaiting A-RELEASE-RP"),
  /** Awaiting local A-RELEASE response primitive (from local user). */
  STA8("Awaiting local A-RELEASE response"),
  /** Release collision requestor side; awaiting A-RELEASE response (from local user). */
  STA9("Release collision requestor side, awaiting local A-RELEASE response"),
  /** Release collision acceptor side; awaiting A-RELEASE-RP PDU. */
  STA10("Release collision acceptor side, awaiting A-RELEASE-RP"),
  /** Release collision requestor side; awaiting A-RELEASE-RP PDU. */
  STA11("Release collision requestor side, awaiting A-RELEASE-RP"),
  /** Release collision acceptor side; awaiting A-RELEASE response primitive (from local user). */
  STA12("Release collision acceptor side, awaiting local A-RELEASE response"),
  /** Awaiting Transport Connection Close Indication (association no longer exists). */
  STA13("Awaiting transport close");

  private final String description;
  private Set<State> next;

  static {
    // Every state may go to STA1 (transport closed / AA-3, AA-4) and, except STA1, to STA13
    // (AA-1/AA-8: we send an A-ABORT). The others follow the AE-, DT- and AR- actions.
    STA1.next = EnumSet.of(STA2, STA4);
    STA2.next = EnumSet.of(STA1, STA3, STA13);
    STA3.next = EnumSet.of(STA1, STA6, STA13);
    STA4.next = EnumSet.of(STA1, STA5);
    STA5.next = EnumSet.of(STA1, STA6, STA13);
    STA6.next = EnumSet.of(STA1, STA6, STA7, STA8, STA13);
    STA7.next = EnumSet.of(STA1, STA7, STA9, STA10, STA13);
    STA8.next = EnumSet.of(STA1, STA8, STA13);
    STA9.next = EnumSet.of(STA1, STA11, STA13);
    STA10.next = EnumSet.of(STA1, STA12, STA13);
    STA11.next = EnumSet.of(STA1, STA13);
    STA12.next = EnumSet.of(STA1, STA13);
    STA13.next = EnumSet.of(STA1, STA13);
  }

  State(String description) {
    this.description = description;
  }

  public boolean canMoveTo(State to) {
    return next.contains(to);
  }

  /** The states reachable from this one in one step. */
  public Set<State> next() {
    return EnumSet.copyOf(next);
  }

  /** True while P-DATA may be received: STA6, and STA7 (data still flows until A-RELEASE-RP). */
  public boolean acceptsData() {
    return this == STA6 || this == STA7;
  }

  public String description() {
    return description;
  }
}
