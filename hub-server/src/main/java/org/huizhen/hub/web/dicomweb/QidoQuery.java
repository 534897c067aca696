package org.huizhen.hub.web.dicomweb;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.huizhen.dicom.data.ElementDictionary;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.web.DicomWebException;
import org.huizhen.hub.query.QueryKeys;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;

/**
 * A QIDO-RS search (PS3.18 10.6.1) read from its URI: the level from the resource path, the
 * path's UIDs and the query parameters as matching keys ({@code {attributeID}={value}}, the
 * attribute as keyword or 8 hex digit tag, PS3.18 8.3.4), {@code includefield}, {@code limit},
 * {@code offset} and {@code fuzzymatching} (not supported: literal matching, with a warning).
 * Matching follows C-FIND (PS3.4 C.2.2.2) through {@link QueryKeys}; a UID list may be written
 * with commas or backslashes.
 *
 * <p>Errors are {@link DicomWebException}s with status 400: {@code HZ-5701} an unknown attribute,
 * {@code HZ-5702} a value the attribute cannot be matched with, {@code HZ-5703} a bad
 * {@code limit} or {@code offset}, {@code HZ-5704} an unknown {@code includefield} attribute.
 * An attribute of the dictionary the index cannot match on is returned but not matched, with a
 * {@code Warning} saying so, rather than silently matching everything as if it were absent.
 *
 * <p>Immutable.
 *
 * @param level       entities returned
 * @param query       the index query, unscoped, with the page to fetch ({@code limit} + 1 to see
 *                    whether more results exist)
 * @param returnTags  attributes named by matching keys and {@code includefield}, in order
 * @param includeAll  {@code includefield=all}
 * @param limit       the page size the caller gets
 * @param warnings    texts for {@code Warning: 299} headers (RFC 7234 5.5)
 */
public record QidoQuery(QueryLevel level, Query query, Set<Integer> returnTags, boolean includeAll, int limit,
                        List<String> warnings) {
    /** Reserved query parameter names of PS3.18 8.3.4 / 8.3.5. */
    private static final Set<String> RESERVED = Set.of("includefield", "limit", "offset", "fuzzymatching");
    /** Keys whose values may be a list (UID list matching, several modalities). */
    private static final Set<QueryKey> LISTS = Set.of(QueryKey.StudyInstanceUID, QueryKey.SeriesInstanceUID,
            QueryKey.SOPInstanceUID, QueryKey.SOPClassUID, QueryKey.ModalitiesInStudy);

    public QidoQuery {
        returnTags = Set.copyOf(new LinkedHashSet<>(returnTags));
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads a search.
     *
     * @param pathUids   StudyInstanceUID / SeriesInstanceUID from the resource path
     * @param params     decoded query parameters
     * @param maxResults the largest page: the default limit, and the cap of a larger one
     */
    public static QidoQuery parse(QueryLevel level, Map<QueryKey, String> pathUids, MultiMap params, int maxResults) {
        Query query = Query.of(level);
        Set<Integer> returnTags = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        boolean all = false;
        Map<Integer, List<String>> matching = new LinkedHashMap<>();
        for (String name : params.names()) {
            if (RESERVED.contains(name)) {
                continue;
            }
            int tag = tagOf(name).orElseThrow(() -> new DicomWebException(400, "HZ-5701",
                    "unknown attribute \"" + name + "\": not a DICOM keyword or tag (PS3.18 8.3.4)"));
            matching.computeIfAbsent(tag, t -> new ArrayList<>()).addAll(params.getAll(name));
        }
        List<String> notMatched = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : matching.entrySet()) {
            int tag = e.getKey();
            returnTags.add(tag);
            Optional<QueryKey> key = QueryKeys.byTag(tag);
            String value = String.join("\\", e.getValue());
            if (key.isEmpty()) {
                if (!value.isEmpty()) {
                    notMatched.add(name(tag));
                }
                continue;
            }
            if (LISTS.contains(key.get())) {
                value = value.replace(',', '\\');
            }
            try {
                query = QueryKeys.match(query, key.get(), Optional.of(value));
            } catch (IllegalArgumentException ex) {
                throw new DicomWebException(400, "HZ-5702", name(tag) + "=" + value + ": " + ex.getMessage());
            }
        }
        for (Map.Entry<QueryKey, String> e : pathUids.entrySet()) {
            query = query.with(e.getKey(), e.getValue());
        }
        for (String v : params.getAll("includefield")) {
            for (String field : v.split(",")) {
                String f = field.strip();
                if (f.isEmpty()) {
                    continue;
                }
                if (f.equals("all")) {
                    all = true;
                } else {
                    returnTags.add(tagOf(f).orElseThrow(() -> new DicomWebException(400, "HZ-5704",
                            "includefield names an unknown attribute \"" + f + "\" (PS3.18 8.3.4.3)")));
                }
            }
        }
        int offset = number(params, "offset").orElse(0);
        int limit = number(params, "limit").orElse(maxResults);
        if (limit == 0) {
            throw new DicomWebException(400, "HZ-5703", "limit must be a positive integer");
        }
        if (limit > maxResults) {
            warnings.add("The limit " + limit + " is over the largest page of " + maxResults
                    + " results; at most " + maxResults + " are returned");
            limit = maxResults;
        }
        if (params.contains("fuzzymatching") && "true".equalsIgnoreCase(params.get("fuzzymatching"))) {
            warnings.add("The fuzzymatching parameter is not supported. Only literal matching has been performed.");
        }
        if (!notMatched.isEmpty()) {
            warnings.add("The following attributes are not supported for matching and were only returned: "
                    + String.join(", ", notMatched));
        }
        return new QidoQuery(level, query.page(offset, limit + 1), returnTags, all, limit, warnings);
    }

    /** A keyword (PS3.6) or 8 hex digit tag, e.g. {@code PatientName} or {@code 00100010}. */
    static Optional<Integer> tagOf(String name) {
        if (name.length() == 8 && name.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.of(Integer.parseUnsignedInt(name, 16));
        }
        return ElementDictionary.tagOf(name);
    }

    private static String name(int tag) {
        return ElementDictionary.keywordOf(tag).orElse(Tag.toString(tag));
    }

    private static Optional<Integer> number(MultiMap params, String name) {
        String v = params.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Optional.of(n);
        } catch (NumberFormatException e) {
            throw new DicomWebException(400, "HZ-5703", name + " must be a non-negative integer, got \"" + v + "\"");
        }
    }
}
