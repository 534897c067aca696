package org.huizhen.storage.index;

/**
 * A series with its number of available instances (Number of Series Related Instances).
 *
 * @param seriesKey     database key
 * @param studyKey      database key of its study
 * @param series        the series attributes as accumulated from its instances
 * @param instanceCount number of available instances
 */
public record SeriesSummary(long seriesKey, long studyKey, SeriesData series, int instanceCount) {

    public String seriesInstanceUid() {
        return series.seriesInstanceUid();
    }
}
