package org.huizhen.hub.web.dicomweb;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.huizhen.hub.security.Principal;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.StoredInstance;

/**
 * A WADO-RS resource (PS3.18 10.4.1): a study, a series of it, or one instance of that series,
 * named by UIDs, and its resolution to the stored instances the caller may see.
 *
 * <p>Immutable. {@link #resolve} does JDBC and must run off the event loop.
 *
 * @param study    Study Instance UID
 * @param series   Series Instance UID, empty for a study
 * @param instance SOP Instance UID, empty for a study or series (present only with a series)
 */
public record WadoTarget(String study, Optional<String> series, Optional<String> instance) {

    public WadoTarget {
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(instance, "instance");
        if (instance.isPresent() && series.isEmpty()) {
            throw new IllegalArgumentException("an instance is named within its series");
        }
    }

    /** The study. */
    public static WadoTarget study(String study) {
        return new WadoTarget(study, Optional.empty(), Optional.empty());
    }

    /** A series of the study. */
    public static WadoTarget series(String study, String series) {
        return new WadoTarget(study, Optional.of(series), Optional.empty());
    }

    /** An instance of the series. */
    public static WadoTarget instance(String study, String series, String instance) {
        return new WadoTarget(study, Optional.of(series), Optional.of(instance));
    }

    /** The path of the resource below the service root, e.g. {@code studies/1.2/series/3.4}. */
    public String path() {
        return "studies/" + study + series.map(s -> "/series/" + s).orElse("")
                + instance.map(i -> "/instances/" + i).orElse("");
    }

    /**
     * The stored instances of this resource that {@code caller} may read, in index order (series
     * number, series, instance number). Blocking (JDBC).
     *
     * @throws WadoProblem HZ-5401 (404) when there are none: unknown and out-of-scope look alike
     */
    public List<StoredInstance> resolve(MetadataIndex index, WadoAccess access, Principal caller)
            throws StorageException {
        List<StoredInstance> found;
        if (instance.isPresent()) {
            found = index.findInstance(instance.get()).stream()
                    .filter(i -> i.studyInstanceUid().equals(study) && i.seriesInstanceUid().equals(series.get()))
                    .toList();
        } else {
            found = index.instancesOfStudy(study).stream()
                    .filter(i -> series.isEmpty() || i.seriesInstanceUid().equals(series.get()))
                    .toList();
        }
        List<StoredInstance> visible = found.stream().filter(i -> access.mayRead(caller, i.institutionId())).toList();
        if (visible.isEmpty()) {
            throw WadoProblem.notFound(instance.isPresent() ? "instance " + instance.get()
                    : series.isPresent() ? "series " + series.get() : "study " + study);
        }
        return visible;
    }

    /** The resource path of one stored instance below the service root. */
    static String instancePath(StoredInstance i) {
        return "studies/" + i.studyInstanceUid() + "/series/" + i.seriesInstanceUid() + "/instances/" + i.sopInstanceUid();
    }
}
