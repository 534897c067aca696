package org.huizhen.storage.index;

/**
 * How urgently an ECG must be read: {@link #STAT} when a critical-pattern rule flagged it (the
 * critical-value workflow of DESIGN.md "Critical values"), else {@link #ROUTINE}.
 */
public enum EcgPriority {
    /** Read in the normal order of the worklist. */
    ROUTINE,
    /** A critical-pattern candidate: read at once. */
    STAT
}
