package org.huizhen.hub.web.dicomweb;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.ElementDictionary;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.web.BulkDataUriFactory;
import org.huizhen.dicom.web.DicomJson;
import org.huizhen.dicom.web.DicomWebException;
import org.huizhen.dicom.web.MediaType;
import org.huizhen.hub.query.QueryKeys;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.storage.index.Match;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;
import org.huizhen.storage.index.QueryResult;
import org.huizhen.storage.StorageException;

/**
 * QIDO-RS (PS3.18 10.6): searches for studies, series and instances, answered as an
 * {@code application/dicom+json} array (PS3.18 F.2), 204 when nothing matches. Requires scope
 * {@code dicomweb.read}.
 *
 * <pre>
 * GET {base}/studies                                     study level
 * GET {base}/series, {base}/studies/{study}/series         series level
 * GET {base}/instances, {base}/studies/{study}/instances,
 *     {base}/studies/{study}/series/{series}/instances    instance level
 * </pre>
 *
 * <p>Each result carries the default attributes of PS3.18 Table 10.6.3-3 (study), -4 (series)
 * and -5 (instance) that the index holds — the higher levels' ones too when the path does not
 * fix them (a search of all series also returns each series' study attributes) — plus every
 * matching key and {@code includefield} attribute (empty when the hub holds no value), Retrieve
 * URL (0008,1190) and Instance Availability ONLINE. Text comes back as Unicode (ISO_IR 192).
 *
 * <p>Scoping (DESIGN.md "Security"): a caller of a lead-hospital institution (or demo mode)
 * searches everything; any other only its own institution's data. Paging: {@code limit}
 * (default and cap {@link #DEFAULT_MAX_RESULTS}) and {@code offset}; when more results exist
 * than returned, a {@code Warning: 299} header says so (PS3.18 10.6.3.2). Errors: 400 with the
 * {@link QidoQuery} codes, 406 {@code HZ-5705} when the client accepts no JSON.
 *
 * <p>Threading: handlers run on the event loop; the index is queried with
 * {@code executeBlocking}.
 */
public final class QidoRoutes {
    /** Results per page when the request sets no limit, and the largest limit honoured. */
    public static final int DEFAULT_MAX_RESULTS = 1000;

    private static final List<Integer> STUDY_DEFAULTS = List.of(Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber,
            Tag.InstanceAvailability, Tag.ModalitiesInStudy, Tag.ReferringPhysicianName, Tag.RetrieveURL,
            Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID, Tag.StudyID,
            Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances);
    private static final List<Integer> SERIES_DEFAULTS = List.of(Tag.Modality, Tag.SeriesDescription, Tag.RetrieveURL,
            Tag.SeriesInstanceUID, Tag.SeriesNumber, Tag.NumberOfSeriesRelatedInstances);
    private static final List<Integer> INSTANCE_DEFAULTS = List.of(Tag.SOPClassUID, Tag.SOPInstanceUID,
            Tag.InstanceAvailability, Tag.RetrieveURL, Tag.InstanceNumber);

    private QidoRoutes() {
    }

    /** Mounts the routes; only demo-mode callers see every institution (see the 3-argument form). */
    public static void mount(Router router, DicomWebContext ctx) {
        mount(router, ctx, Set.of());
    }

    /**
     * Mounts the QIDO-RS routes under {@code ctx.basePath()}.
     *
     * @param leadHospitals institutions whose callers see every institution's data, e.g.
     *                      {@link DicomWebResponses#leadHospitals}
     */
    public static void mount(Router router, DicomWebContext ctx, Set<String> leadHospitals) {
        String b = ctx.basePath();
        Set<String> leads = Set.copyOf(leadHospitals);
        route(router, b + "/studies", QueryLevel.STUDY, ctx, leads);
        route(router, b + "/series", QueryLevel.SERIES, ctx, leads);
        route(router, b + "/instances", QueryLevel.INSTANCE, ctx, leads);
        route(router, b + "/studies/:study/series", QueryLevel.SERIES, ctx, leads);
        route(router, b + "/studies/:study/instances", QueryLevel.INSTANCE, ctx, leads);
        route(router, b + "/studies/:study/series/:series/instances", QueryLevel.INSTANCE, ctx, leads);
    }

    private static void route(Router router, String path, QueryLevel level, DicomWebContext ctx, Set<String> leads) {
        router.get(path).handler(HttpAuth.requireScope("dicomweb.read")).handler(rc -> handle(rc, level, ctx, leads));
    }

    private static void handle(RoutingContext rc, QueryLevel level, DicomWebContext ctx, Set<String> leads) {
        QidoQuery qido;
        Optional<String> scope;
        Map<QueryKey, String> pathUids = new LinkedHashMap<>();
        Optional.ofNullable(rc.pathParam("study")).ifPresent(s -> pathUids.put(QueryKey.StudyInstanceUID, s));
        Optional.ofNullable(rc.pathParam("series")).ifPresent(s -> pathUids.put(QueryKey.SeriesInstanceUID, s));
        try {
            checkAccept(rc.request().getHeader(HttpHeaders.ACCEPT));
            qido = QidoQuery.parse(level, pathUids, rc.queryParams(), DEFAULT_MAX_RESULTS);
            scope = DicomWebResponses.scope(rc, leads);
        } catch (DicomWebException e) {
            DicomWebResponses.problem(rc, e);
            return;
        }
        Query query = scope.map(qido.query()::scopedTo).orElse(qido.query());
        String base = StowRoutes.baseUrl(rc) + ctx.basePath();
        ctx.vertx().executeBlocking(() -> search(ctx.index(), qido, query, pathUids.keySet(), base), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        DicomWebResponses.problem(rc, 500, "HZ-5706", "the search failed: " + ar.cause().getMessage());
                        return;
                    }
                    Page page = ar.result();
                    String host = rc.request().host() == null ? "huizhen" : rc.request().host();
                    for (String w : qido.warnings()) {
                        rc.response().headers().add("Warning", warning(host, w));
                    }
                    if (page.more()) {
                        rc.response().headers().add("Warning", warning(host, "There are additional results that can be requested"));
                    }
                    if (page.results().isEmpty()) {
                        rc.response().setStatusCode(204).end();
                        return;
                    }
                    rc.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, DicomJson.MEDIA_TYPE)
                            .end(DicomJson.concatArray(page.results()));
                });
    }

    /** {@code 299 <host> "<text>"} (RFC 7234 5.5.7, as PS3.18 10.6.3.2 uses it). */
    private static String warning(String host, String text) {
        return "299 " + host + " \"" + text.replace("\"", "'") + "\"";
    }

    /** 406 unless the client takes application/dicom+json or application/json (or anything). */
    private static void checkAccept(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        List<MediaType> ranges;
        try {
            ranges = MediaType.parseList(accept);
        } catch (DicomWebException e) {
            return; // an unparsable Accept is treated as absent (RFC 9110 12.5.1 allows ignoring it)
        }
        boolean ok = ranges.stream().anyMatch(r -> {
            boolean anyType = r.type().equals("*");
            boolean app = r.type().equals("application")
                    && (r.subtype().equals("*") || r.subtype().equals("dicom+json") || r.subtype().equals("json"));
            return anyType || app;
        });
        if (!ok) {
            throw new DicomWebException(406, "HZ-5705", "QIDO-RS answers application/dicom+json; Accept was " + accept);
        }
    }

    /** One page of rendered results; {@code more} when the index had more than the limit. */
    private record Page(List<byte[]> results, boolean more) {
    }

    /** Runs on a worker thread: the query, the attributes of the levels above, the rendering. */
    private static Page search(MetadataIndex index, QidoQuery qido, Query query, Set<QueryKey> fixedByPath, String base)
            throws StorageException {
        List<QueryResult> found = index.query(query);
        boolean more = found.size() > qido.limit();
        List<QueryResult> page = more ? found.subList(0, qido.limit()) : found;
        List<Integer> defaults = new ArrayList<>();
        boolean studyFixed = fixedByPath.contains(QueryKey.StudyInstanceUID);
        boolean seriesFixed = fixedByPath.contains(QueryKey.SeriesInstanceUID);
        switch (qido.level()) {
            case STUDY -> defaults.addAll(STUDY_DEFAULTS);
            case SERIES -> {
                if (!studyFixed) {
                    defaults.addAll(STUDY_DEFAULTS);
                }
                defaults.addAll(SERIES_DEFAULTS);
                defaults.add(Tag.StudyInstanceUID);
            }
            case INSTANCE -> {
                if (!studyFixed) {
                    defaults.addAll(STUDY_DEFAULTS);
                }
                if (!seriesFixed) {
                    defaults.addAll(SERIES_DEFAULTS);
                }
                defaults.addAll(INSTANCE_DEFAULTS);
                defaults.add(Tag.StudyInstanceUID);
                defaults.add(Tag.SeriesInstanceUID);
            }
            default -> throw new IllegalStateException("HZ-5707 QIDO-RS has no " + qido.level() + " level");
        }
        Map<String, Map<Integer, String>> studies = qido.level() == QueryLevel.STUDY ? Map.of()
                : above(index, query, QueryLevel.STUDY, QueryKey.StudyInstanceUID, page.stream().map(QidoRoutes::studyUid).toList());
        Map<String, Map<Integer, String>> series = qido.level() != QueryLevel.INSTANCE ? Map.of()
                : above(index, query, QueryLevel.SERIES, QueryKey.SeriesInstanceUID,
                page.stream().map(r -> ((QueryResult.InstanceResult) r).seriesInstanceUid()).toList());
        List<byte[]> out = new ArrayList<>(page.size());
        for (QueryResult r : page) {
            Map<Integer, String> values = new HashMap<>();
            Optional.ofNullable(studies.get(studyUid(r))).ifPresent(values::putAll);
            if (r instanceof QueryResult.InstanceResult i) {
                Optional.ofNullable(series.get(i.seriesInstanceUid())).ifPresent(values::putAll);
            }
            values.putAll(QueryKeys.values(r));
            values.put(Tag.RetrieveURL, retrieveUrl(base, r));
            values.put(Tag.InstanceAvailability, "ONLINE");
            Set<Integer> tags = new LinkedHashSet<>(defaults);
            tags.addAll(qido.returnTags());
            if (qido.includeAll()) {
                tags.addAll(values.keySet());
            }
            out.add(DicomJson.render(dataSet(tags, values), BulkDataUriFactory.none()));
        }
        return new Page(out, more);
    }

    /**
     * The attributes of the studies (or series) above a page of results, by UID: one query at
     * that level for the UIDs seen, in the same scope.
     */
    private static Map<String, Map<Integer, String>> above(MetadataIndex index, Query like, QueryLevel level, QueryKey uidKey,
                                                          List<String> uids) throws StorageException {
        List<String> distinct = uids.stream().distinct().toList();
        if (distinct.isEmpty()) {
            return Map.of();
        }
        Query q = new Query(level, Map.of(uidKey, distinct.size() == 1 ? new Match.Exact(distinct.get(0))
                : new Match.UidList(distinct)), like.institutionId(), 0, 0);
        Map<String, Map<Integer, String>> out = new HashMap<>();
        for (QueryResult r : index.query(q)) {
            Map<Integer, String> v = new HashMap<>(QueryKeys.values(r));
            String uid = level == QueryLevel.STUDY ? ((QueryResult.StudyResult) r).studyInstanceUid()
                    : ((QueryResult.SeriesResult) r).seriesInstanceUid();
            out.put(uid, v);
        }
        return out;
    }

    private static String studyUid(QueryResult r) {
        return switch (r) {
            case QueryResult.StudyResult s -> s.studyInstanceUid();
            case QueryResult.SeriesResult s -> s.studyInstanceUid();
            case QueryResult.InstanceResult i -> i.studyInstanceUid();
            case QueryResult.PatientResult p -> throw new IllegalStateException("HZ-5707 QIDO-RS has no patient level");
        };
    }

    /** The WADO-RS URL of a result (PS3.18 10.4.1): its study, series or instance resource. */
    private static String retrieveUrl(String base, QueryResult r) {
        return switch (r) {
            case QueryResult.StudyResult s -> base + "/studies/" + s.studyInstanceUid();
            case QueryResult.SeriesResult s -> base + "/studies/" + s.studyInstanceUid() + "/series/" + s.seriesInstanceUid();
            case QueryResult.InstanceResult i -> base + "/studies/" + i.studyInstanceUid() + "/series/"
                    + i.seriesInstanceUid() + "/instances/" + i.sopInstanceUid();
            case QueryResult.PatientResult p -> throw new IllegalStateException("HZ-5707 QIDO-RS has no patient level");
        };
    }

    /** The result data set: each tag with the hub's value, or empty (PS3.18 F.2.5: no "Value"). */
    private static DataSet dataSet(Set<Integer> tags, Map<Integer, String> values) {
        DataSet.Builder b = DataSet.builder();
        // first, so that text below is encoded in UTF-8 (any script)
        b.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        for (int tag : tags) {
            if (tag == Tag.SpecificCharacterSet) {
                continue;
            }
            VR vr = ElementDictionary.vrOf(tag);
            String value = values.get(tag);
            if (vr == VR.SQ) {
                b.setSequence(tag, List.of());
            } else if (value == null || !vr.isString()) {
                b.setBytes(tag, vr, new byte[0]);
            } else {
                b.setString(tag, vr, value.split("\\\\", -1));
            }
        }
        return b.build();
    }
}
