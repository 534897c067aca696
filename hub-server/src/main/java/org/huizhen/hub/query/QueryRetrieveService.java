package org.huizhen.hub.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.FindHandler;
import org.huizhen.dicom.net.service.FindRequest;
import org.huizhen.dicom.net.service.FindSession;
import org.huizhen.dicom.net.service.GetHandler;
import org.huizhen.dicom.net.service.GetRequest;
import org.huizhen.dicom.net.service.MoveDestination;
import org.huizhen.dicom.net.service.MoveHandler;
import org.huizhen.dicom.net.service.MoveRequest;
import org.huizhen.dicom.net.service.MoveSession;
import org.huizhen.dicom.net.service.RequestRefusedException;
import org.huizhen.dicom.net.service.RetrieveInstance;
import org.huizhen.hub.security.AeRegistry;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;
import org.huizhen.storage.index.QueryResult;
import org.huizhen.storage.index.StoredInstance;

/**
 * C-FIND, C-MOVE and C-GET SCP for the Patient Root and Study Root Query/Retrieve Information
 * Models (PS3.4 C.4, C.6) on top of the hub's index and blob store.
 *
 * <p>Matching (single value, wildcard, range, UID list, universal — PS3.4 C.2.2.2) is done by
 * the index; this class turns the identifier into an index {@link Query}, answers with exactly
 * the requested keys (PS3.4 C.2.2.1.2: a requested key the hub does not hold comes back empty),
 * and scopes everything to what the caller may see: a lead-hospital AE sees every institution,
 * a clinic AE only its own data (DESIGN.md "Security").
 *
 * <p>Called on worker threads by the DIMSE layer; stateless apart from its collaborators, which
 * are thread-safe.
 */
public final class QueryRetrieveService implements FindHandler, MoveHandler, GetHandler {
    private final MetadataIndex index;
    private final BlobStore blobs;
    private final Map<String, MoveDestination> destinations;

    /**
     * @param index        the index as readers see it (acknowledged instances included)
     * @param destinations configured C-MOVE destinations by AE title
     */
    public QueryRetrieveService(MetadataIndex index, BlobStore blobs, Map<String, MoveDestination> destinations) {
        this.index = index;
        this.blobs = blobs;
        this.destinations = Map.copyOf(destinations);
    }

    @Override
    public FindSession find(FindRequest rq) throws Exception {
        DataSet identifier = rq.identifier();
        QueryLevel level = level(identifier);
        Query query = scoped(toQuery(level, identifier), rq.association().attachment());
        Iterator<QueryResult> results = index.query(query).iterator();
        return new FindSession() {
            @Override
            public Optional<DataSet> next() {
                return results.hasNext() ? Optional.of(response(identifier, results.next())) : Optional.empty();
            }

            @Override
            public void close() {
                // results are an in-memory list; nothing to release
            }
        };
    }

    @Override
    public MoveSession move(MoveRequest rq) throws Exception {
        MoveDestination destination = destinations.get(rq.moveDestination().trim());
        if (destination == null) {
            throw new RequestRefusedException(Status.MOVE_DESTINATION_UNKNOWN,
                    "HZ-3201 move destination " + rq.moveDestination().trim() + " is not configured");
        }
        return new MoveSession(destination, instances(rq.identifier(), rq.association().attachment()));
    }

    @Override
    public List<RetrieveInstance> get(GetRequest rq) throws Exception {
        return instances(rq.identifier(), rq.association().attachment());
    }

    /** The instances a C-MOVE/C-GET identifier names (PS3.4 C.4.2.2.1: unique keys down to the level). */
    private List<RetrieveInstance> instances(DataSet identifier, Object caller) throws RequestRefusedException, StorageException {
        QueryLevel level = level(identifier);
        Query query = Query.of(QueryLevel.INSTANCE);
        for (QueryKey key : List.of(QueryKey.PatientID, QueryKey.StudyInstanceUID, QueryKey.SeriesInstanceUID, QueryKey.SOPInstanceUID)) {
            if (key.level().ordinal() <= level.ordinal()) {
                Optional<String> v = string(identifier, key.tag());
                if (v.isPresent() && !v.get().isEmpty()) {
                    query = query.with(key, v.get());
                }
            }
        }
        if (query.keys().isEmpty()) {
            throw new RequestRefusedException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "HZ-3202 retrieve needs a unique key (PatientID, StudyInstanceUID, SeriesInstanceUID or SOPInstanceUID)");
        }
        List<RetrieveInstance> out = new ArrayList<>();
        for (QueryResult r : index.query(scoped(query, caller))) {
            StoredInstance si = ((QueryResult.InstanceResult) r).instance();
            out.add(new RetrieveInstance(si.sopClassUid(), si.sopInstanceUid(), si.transferSyntaxUid(), () -> open(si)));
        }
        return out;
    }

    /** The data set of a stored instance: its blob after the File Meta Information (PS3.10 7.1). */
    private DataSetSource open(StoredInstance si) throws IOException {
        Path file = blobs.localPath(si.blobId()).orElseThrow(() -> new IOException("HZ-3203 blob store has no local files"));
        long offset = Part10.readHeader(file, DecodeLimits.DEFAULT).dataSetOffset();
        return DataSetSource.of(file, offset, si.sizeBytes() - offset);
    }

    private static Query scoped(Query query, Object caller) {
        if (caller instanceof AeRegistry.Caller c && !c.leadHospital()) {
            return query.scopedTo(c.institutionId());
        }
        return query;
    }

    private static QueryLevel level(DataSet identifier) throws RequestRefusedException {
        String level = string(identifier, Tag.QueryRetrieveLevel).orElse("").trim();
        return switch (level) {
            case "PATIENT" -> QueryLevel.PATIENT;
            case "STUDY" -> QueryLevel.STUDY;
            case "SERIES" -> QueryLevel.SERIES;
            case "IMAGE" -> QueryLevel.INSTANCE;
            default -> throw new RequestRefusedException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "HZ-3204 Query/Retrieve Level (0008,0052) must be PATIENT, STUDY, SERIES or IMAGE, got '" + level + "'");
        };
    }

    private static Query toQuery(QueryLevel level, DataSet identifier) throws RequestRefusedException {
        Query query = Query.of(level);
        for (QueryKey key : QueryKey.values()) {
            try {
                query = QueryKeys.match(query, key, string(identifier, key.tag()));
            } catch (IllegalArgumentException e) {
                throw new RequestRefusedException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                        "HZ-3205 " + key + ": " + e.getMessage());
            }
        }
        return query;
    }

    /**
     * The response identifier: every key the request carried, with the hub's value or empty;
     * Specific Character Set ISO_IR 192 so names come back in any script (PS3.4 C.2.2.2.4 lets
     * the SCP answer in a character set of its choice when it says which).
     */
    private static DataSet response(DataSet identifier, QueryResult result) {
        Map<Integer, String> values = QueryAttributes.of(result);
        DataSet.Builder b = DataSet.builder();
        b.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        for (DicomElement e : identifier.elements()) {
            int tag = e.tag();
            if (tag == Tag.SpecificCharacterSet) {
                continue;
            }
            if (tag == Tag.QueryRetrieveLevel) {
                b.setString(tag, VR.CS, string(identifier, tag).orElse("").trim());
            } else if (e.vr() == VR.SQ) {
                b.setSequence(tag, List.of());
            } else {
                String value = values.get(tag);
                b.setString(tag, e.vr(), value == null ? "" : value);
            }
        }
        if (!identifier.contains(Tag.QueryRetrieveLevel)) {
            b.setString(Tag.QueryRetrieveLevel, VR.CS, "");
        }
        return b.build();
    }

    private static Optional<String> string(DataSet ds, int tag) {
        try {
            return ds.getString(tag);
        } catch (DicomValueException e) {
            return Optional.empty();
        }
    }
}
