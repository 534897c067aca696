package org.huizhen.dicom.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.FindHandler;
import org.huizhen.dicom.net.service.FindRequest;
import org.huizhen.dicom.net.service.FindSession;
import org.huizhen.dicom.net.service.GetHandler;
import org.huizhen.dicom.net.service.GetRequest;
import org.huizhen.dicom.net.service.Identifiers;
import org.huizhen.dicom.net.service.MoveDestination;
import org.huizhen.dicom.net.service.MoveHandler;
import org.huizhen.dicom.net.service.MoveRequest;
import org.huizhen.dicom.net.service.MoveSession;
import org.huizhen.dicom.net.service.RequestRefusedException;
import org.huizhen.dicom.net.service.RetrieveInstance;

/**
 * A test archive: a few patients, studies, series and instances held as flat instance-level
 * data sets, with a deliberately small but honest attribute matcher (PS3.4 C.2.2.2: single value,
 * wildcard * and ?, range for DA/TM/DT, list of UIDs, universal matching) and the find, move and
 * get ports on top of it. Instances are Secondary Capture data sets without pixel data, kept
 * encoded in Explicit VR Little Endian.
 *
 * <p>Thread-safe: the data is immutable; the test knobs are atomics.
 */
final class QueryArchive implements FindHandler, MoveHandler, GetHandler {
  static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  private static final String ROOT = "1.2.826.0.1.3680043.10.1515.99.";

  /** One stored instance: its attributes and its encoded data set. */
  record Instance(DataSet ds, byte[] bytes) {
    String uid(int tag) {
      return ds.getString(tag).orElseThrow();
    }
  }

  /** Patient: id, name, character set of the stored name (empty = default repertoire). */
  record Patient(String id, String name, String charset) {}

  final List<Instance> instances;
  final Map<String, MoveDestination> destinations = new ConcurrentHashMap<>();
  /** Sessions closed so far (the service closes every session it opened). */
  final AtomicInteger closedSessions = new AtomicInteger();
  /** When >= 0, each session blocks after this many matches until closed (for C-CANCEL tests). */
  final AtomicInteger blockAfter = new AtomicInteger(-1);

  private QueryArchive(List<Instance> instances) {
    this.instances = List.copyOf(instances);
  }

  static final List<Patient> PATIENTS = List.of(
      new Patient("P1", "WANG^Wei", ""),
      new Patient("P2", "张^三", "GB18030"),
      new Patient("P3", "李^四", "ISO_IR 192"),
      new Patient("Q4", "Smith^John", ""));
  static final List<String> STUDY_DATES = List.of("20240105", "20240310", "20240220", "20230701", "20241130");

  /** Five studies (P1 has two), two series each (CT and SR), two instances per series. */
  static QueryArchive sample() {
    List<Instance> list = new ArrayList<>();
    int[] studyOf = {0, 0, 1, 2, 3};
    for (int s = 0; s < STUDY_DATES.size(); s++) {
      Patient p = PATIENTS.get(studyOf[s]);
      String study = ROOT + (s + 1);
      for (int r = 1; r <= 2; r++) {
        String series = study + "." + r;
        for (int i = 1; i <= 2; i++) {
          DataSet.Builder b = DataSet.builder();
          if (!p.charset().isEmpty()) {
            b.setString(Tag.SpecificCharacterSet, VR.CS, p.charset());
          }
          b.setString(Tag.SOPClassUID, VR.UI, SECONDARY_CAPTURE)
              .setString(Tag.SOPInstanceUID, VR.UI, series + "." + i)
              .setString(Tag.StudyDate, VR.DA, STUDY_DATES.get(s))
              .setString(Tag.StudyTime, VR.TM, "0930" + s + "0")
              .setString(Tag.AccessionNumber, VR.SH, "A" + (s + 1))
              .setString(Tag.Modality, VR.CS, r == 1 ? "CT" : "SR")
              .setString(Tag.PatientName, VR.PN, p.name())
              .setString(Tag.PatientID, VR.LO, p.id())
              .setString(Tag.PatientBirthDate, VR.DA, "1970010" + studyOf[s])
              .setString(Tag.PatientSex, VR.CS, "O")
              .setString(Tag.StudyInstanceUID, VR.UI, study)
              .setString(Tag.SeriesInstanceUID, VR.UI, series)
              .setString(Tag.StudyID, VR.SH, "S" + (s + 1))
              .setInt(Tag.SeriesNumber, VR.IS, r)
              .setInt(Tag.InstanceNumber, VR.IS, i);
          DataSet ds = b.build();
          try {
            list.add(new Instance(ds, Identifiers.encode(ds, EXPLICIT_LE)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return new QueryArchive(list);
  }

  /** The unique key of each Query/Retrieve level (PS3.4 C.6.1.1, C.6.2.1). */
  static int levelKey(String level) {
    return switch (level) {
      case "PATIENT" -> Tag.PatientID;
      case "STUDY" -> Tag.StudyInstanceUID;
      case "SERIES" -> Tag.SeriesInstanceUID;
      case "IMAGE" -> Tag.SOPInstanceUID;
      default -> throw new IllegalArgumentException("Query/Retrieve Level " + level);
    };
  }

  // ------------------------------------------------------------------ matching (PS3.4 C.2.2.2)

  /** True if the instance matches every non-empty key of the query. */
  static boolean matches(DataSet record, DataSet query) {
    for (DicomElement e : query.elements()) {
      int tag = e.tag();
      if (tag == Tag.SpecificCharacterSet || tag == Tag.QueryRetrieveLevel || e.vr() == VR.SQ
          || !e.vr().isString()) {
        continue;
      }
      Optional<List<String>> wanted = query.getStrings(tag);
      if (wanted.isEmpty() || wanted.get().stream().allMatch(String::isEmpty)) {
        continue; // universal matching
      }
      List<String> values = record.getStrings(tag).orElse(List.of());
      if (values.isEmpty()) {
        return false;
      }
      if (!matchesOne(e.vr(), wanted.get(), values)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesOne(VR vr, List<String> wanted, List<String> values) {
    if (vr == VR.UI) {
      return wanted.stream().anyMatch(values::contains); // list of UID matching
    }
    String w = String.join("\\", wanted);
    if ((vr == VR.DA || vr == VR.TM || vr == VR.DT) && w.contains("-")) {
      String from = w.substring(0, w.indexOf('-'));
      String to = w.substring(w.indexOf('-') + 1);
      return values.stream().anyMatch(v -> (from.isEmpty() || v.compareTo(from) >= 0)
          && (to.isEmpty() || v.compareTo(to) <= 0));
    }
    if (w.contains("*") || w.contains("?")) {
      StringBuilder re = new StringBuilder();
      for (char c : w.toCharArray()) {
        re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
      }
      Pattern p = Pattern.compile(re.toString(), Pattern.DOTALL);
      return values.stream().anyMatch(v -> p.matcher(v).matches());
    }
    return values.stream().anyMatch(w::equals);
  }

  /** The distinct entities at the query's level that match, one representative instance each. */
  List<Instance> search(DataSet query) throws RequestRefusedException {
    String level = query.getString(Tag.QueryRetrieveLevel).orElse("");
    int key;
    try {
      key = levelKey(level);
    } catch (IllegalArgumentException e) {
      throw new RequestRefusedException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, e.getMessage());
    }
    Map<String, Instance> byKey = new LinkedHashMap<>();
    for (Instance i : instances) {
      if (matches(i.ds(), query)) {
        byKey.putIfAbsent(i.uid(key), i);
      }
    }
    return List.copyOf(byKey.values());
  }

  /**
   * The response identifier: the requested keys only, with the record's values (bytes as stored,
   * so the record's Specific Character Set goes with them) or empty when it has none.
   */
  static DataSet response(DataSet record, DataSet query) {
    DataSet.Builder b = DataSet.builder();
    record.get(Tag.SpecificCharacterSet).ifPresent(b::add);
    for (DicomElement e : query.elements()) {
      if (e.tag() == Tag.SpecificCharacterSet) {
        continue;
      }
      if (e.tag() == Tag.QueryRetrieveLevel) {
        b.add(e);
        continue;
      }
      b.add(record.get(e.tag()).orElse(new DicomElement(e.tag(), e.vr(), Value.Bytes.EMPTY)));
    }
    return b.build();
  }

  // ------------------------------------------------------------------ ports

  @Override
  public FindSession find(FindRequest rq) throws RequestRefusedException {
    List<Instance> found = search(rq.identifier());
    int block = blockAfter.get();
    CountDownLatch closed = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    return new FindSession() {
      private int next;

      @Override
      public Optional<DataSet> next() throws InterruptedException {
        if (next == block) {
          closed.await(); // held open until the service closes us (C-CANCEL)
          return Optional.empty();
        }
        return next < found.size() ? Optional.of(response(found.get(next++).ds(), rq.identifier())) : Optional.empty();
      }

      @Override
      public void close() {
        if (once.compareAndSet(false, true)) {
          closedSessions.incrementAndGet();
          closed.countDown();
        }
      }
    };
  }

  /** All instances under the entities the identifier names at its level. */
  List<RetrieveInstance> resolve(DataSet identifier) throws RequestRefusedException {
    String level = identifier.getString(Tag.QueryRetrieveLevel).orElse("");
    int key = levelKey(level);
    List<String> keys = search(identifier).stream().map(i -> i.uid(key)).toList();
    return instances.stream().filter(i -> keys.contains(i.uid(key)))
        .map(i -> new RetrieveInstance(i.uid(Tag.SOPClassUID), i.uid(Tag.SOPInstanceUID), EXPLICIT_LE,
            () -> DataSetSource.of(i.bytes())))
        .toList();
  }

  @Override
  public MoveSession move(MoveRequest rq) throws RequestRefusedException {
    MoveDestination d = destinations.get(rq.moveDestination());
    if (d == null) {
      throw new RequestRefusedException(Status.MOVE_DESTINATION_UNKNOWN,
          "Move Destination unknown: " + rq.moveDestination());
    }
    return new MoveSession(d, resolve(rq.identifier()));
  }

  @Override
  public List<RetrieveInstance> get(GetRequest rq) throws RequestRefusedException {
    return resolve(rq.identifier());
  }
}
