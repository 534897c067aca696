package org.huizhen.dicom.ecg.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.junit.jupiter.api.Test;

/**
 * The hub's measurements against the recording device's own, on every shared file that carries
 * device measurements (Mortara DICOM, FDA aECG, GE MUSE, Philips Sierra). Prints the table the
 * issue asks for (hub − device per file: rate in /min, PR/QRS/QT in ms) and guards a floor
 * just outside the 10 ms target, so that a change that moves a measurement by a few ms more
 * fails. The largest differences when set (besides the known one below): PR +8 ms (aECG), QRS
 * −4 ms (aECG), QT −8 ms (MUSE).
 *
 * <p>Known disagreement: the Philips file's global QRS duration (135 ms, {@code meanqrsdur} of
 * its global and interpretation measurements) equals the longest of its own per-lead QRS
 * durations (lead II; the other eleven leads 59–115 ms, median 96), while its beat group's
 * {@code meanqrsdur} is 96 ms; on the hub's median beat no lead deflects later than about +50 ms
 * after the R peak, where a 135 ms QRS from the common onset would run to about +83 ms. The hub
 * measures 104 ms (earliest onset to latest offset over the leads): −31 ms against the reported
 * global value, +8 against the group's. Asserted at its own floor.
 */
class DeviceAgreementTest {
    /** Regression floor (ms) for PR, QRS and QT; the target is 10 ms. */
    private static final double FLOOR_MS = 12;
    /** The Philips global QRS duration (see the class comment): its own floor (ms), −31 ms when set. */
    private static final double PHILIPS_QRS_FLOOR_MS = 35;
    /** Regression floor (/min) for the rate; the target is 2/min. */
    private static final double FLOOR_BPM = 3;

    record Row(String file, Double dRate, Double dPr, Double dQrs, Double dQt) {
    }

    @Test
    void hubAgreesWithTheDevicesOnEverySharedFile() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String f : List.of("waveform_ecg.dcm", "aecg_FDA_subject1_0.xml", "muse_braveheart_example1.xml",
                "philips_sierra_129DYPRG.XML")) {
            Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(f));
            DeviceMeasurements d = ecg.deviceMeasurements();
            EcgMeasurements m = EcgAnalyzer.measure(ecg);
            Double deviceRate = d.heartRateBpm() != null ? d.heartRateBpm()
                    : d.rrMs() != null ? 60_000 / d.rrMs() : null;
            rows.add(new Row(f, diff(m.heartRateBpm(), deviceRate), diff(m.prMs(), d.prMs()), diff(m.qrsMs(), d.qrsMs()),
                    diff(m.qtMs(), d.qtMs())));
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-32s %8s %8s %8s %8s%n", "file (hub - device)",
                "rate/min", "PR ms", "QRS ms", "QT ms"));
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT, "%-32s %8s %8s %8s %8s%n", r.file(), fmt(r.dRate()), fmt(r.dPr()),
                    fmt(r.dQrs()), fmt(r.dQt())));
        }
        System.out.print(table);
        for (Row r : rows) {
            // every file has device PR, QRS and QT; the hub must measure them too
            assertThat(r.dPr()).as("PR of %s", r.file()).isNotNull();
            assertThat(r.dQrs()).as("QRS of %s", r.file()).isNotNull();
            assertThat(r.dQt()).as("QT of %s", r.file()).isNotNull();
            assertThat(Math.abs(r.dPr())).as("PR difference of %s\n%s", r.file(), table).isLessThanOrEqualTo(FLOOR_MS);
            double qrsFloor = r.file().startsWith("philips_sierra") ? PHILIPS_QRS_FLOOR_MS : FLOOR_MS;
            assertThat(Math.abs(r.dQrs())).as("QRS difference of %s\n%s", r.file(), table).isLessThanOrEqualTo(qrsFloor);
            assertThat(Math.abs(r.dQt())).as("QT difference of %s\n%s", r.file(), table).isLessThanOrEqualTo(FLOOR_MS);
            if (r.dRate() != null) {
                assertThat(Math.abs(r.dRate())).as("rate difference of %s\n%s", r.file(), table).isLessThanOrEqualTo(FLOOR_BPM);
            }
        }
    }

    private static Double diff(Double hub, Double device) {
        return hub == null || device == null ? null : hub - device;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.1f", v);
    }
}
