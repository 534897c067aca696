package org.huizhen.storage;

/**
 * How hard a store works to make a returned write survive a crash.
 *
 * <ul>
 *   <li>{@link #FSYNC} (the default): data and the directory entry (or the database's commit)
 *       are forced to stable storage before the write returns, so it survives power loss.</li>
 *   <li>{@link #NONE}: data reaches the operating system only; it survives a killed process
 *       but not a power cut. Only for tests and benchmarks that say they use it.</li>
 * </ul>
 */
public enum Durability {
    FSYNC,
    NONE
}
