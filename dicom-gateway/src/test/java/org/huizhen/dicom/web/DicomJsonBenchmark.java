package org.huizhen.dicom.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.ReadOptions;

import io.vertx.core.buffer.Buffer;

/**
 * Prints how long DICOM JSON takes for the WADO-RS /metadata target (1,000 instances under
 * 200 ms): rendering one instance (done once, at ingest) and joining 1,000 pre-rendered
 * instances into one response (done per request). A program, not a test: run on demand with
 * {@code java -cp <test classpath> org.huizhen.dicom.web.DicomJsonBenchmark <testdata>/dicom/CT_small.dcm}.
 */
public final class DicomJsonBenchmark {

    private DicomJsonBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        DataSet ds = DicomReader.readFile(Path.of(args[0]), ReadOptions.DEFAULT).dataSet();
        BulkDataUriFactory bulk = BulkDataUriFactory.above(1024, p -> "/dicomweb/studies/1/series/2/instances/3/bulkdata/" + p);
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            List<byte[]> rendered = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                rendered.add(DicomJson.render(ds, bulk));
            }
            long t1 = System.nanoTime();
            long[] joins = new long[101];
            Buffer b = null;
            for (int i = 0; i < joins.length; i++) {
                long s = System.nanoTime();
                b = DicomJson.concatArray(rendered);
                joins[i] = System.nanoTime() - s;
            }
            Arrays.sort(joins);
            System.out.printf("round %d: render %.1f us/instance (%d bytes); join 1000: p50 %.2f ms, p99 %.2f ms (%d bytes)%n",
                    round, (t1 - t0) / 1000.0 / 1000, rendered.get(0).length, joins[50] / 1e6, joins[99] / 1e6, b.length());
        }
    }
}
