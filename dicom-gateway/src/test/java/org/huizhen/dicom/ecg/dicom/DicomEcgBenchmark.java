package org.huizhen.dicom.ecg.dicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;

/**
 * Prints how long reading (parse + µV conversion + validation) and writing a DICOM ECG take,
 * median and 99th percentile over 500 rounds after warm-up. A program, not a test (timings on a
 * shared build machine are not assertions): run on demand with
 * {@code java -cp <test classpath> org.huizhen.dicom.ecg.dicom.DicomEcgBenchmark <testdata>/ecg/waveform_ecg.dcm}.
 *
 * <p>Single-threaded.
 */
public final class DicomEcgBenchmark {

    private DicomEcgBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        byte[] file = Files.readAllBytes(Path.of(args[0]));
        int rounds = 500;
        long[] read = new long[rounds];
        long[] write = new long[rounds];
        Ecg ecg = null;
        for (int warm = 0; warm < 200; warm++) {
            ecg = EcgReaders.read(file, null);
            DicomEcgWriter.write(ecg, DicomEcgIdentity.NONE);
        }
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            ecg = EcgReaders.read(file, null);
            long t1 = System.nanoTime();
            DicomEcgWriter.write(ecg, DicomEcgIdentity.NONE);
            write[i] = System.nanoTime() - t1;
            read[i] = t1 - t0;
        }
        System.out.printf("%s (%d bytes, %d leads x %d samples + median beat)%n", args[0], file.length,
                ecg.rhythm().leads().size(), ecg.rhythm().samplesPerLead());
        System.out.printf("read  p50 %.2f ms  p99 %.2f ms%n", pct(read, 50), pct(read, 99));
        System.out.printf("write p50 %.2f ms  p99 %.2f ms%n", pct(write, 50), pct(write, 99));
    }

    private static double pct(long[] ns, int p) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
    }
}
