/**
 * The metadata index API: {@link org.huizhen.storage.index.MetadataIndex} and the records that cross
 * it (institution / patient / study / series / instance data, origin, versions, filters, reports).
 */
package org.huizhen.storage.index;
