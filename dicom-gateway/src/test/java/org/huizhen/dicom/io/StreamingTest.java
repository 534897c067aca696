package org.huizhen.dicom.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Header-only reads stop at the Pixel Data header without consuming the rest of the stream,
 * and a large Pixel Data value travels file to file as a reference, never whole in the heap.
 */
class StreamingTest {

    @TempDir
    Path tmp;

    /** Counts the bytes the reader pulls from the stream. */
    static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // file, Pixel Data header length: 12 in explicit VR for OB/OW, 8 in implicit VR (PS3.5 7.1)
        "dicom/MR_small.dcm, 12",
        "dicom/MR_small_implicit.dcm, 8",
        "dicom/MR_small_bigendian.dcm, 12",
        "dicom/SC_rgb_jpeg_dcmtk.dcm, 12",
        "ecg/waveform_ecg.dcm, 0"})
    void stopBeforePixelDataReadsNothingPastThePixelDataHeader(String name, int headerLength) throws Exception {
        Path file = TestFiles.file(name);
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(file))) {
            Part10File header = DicomReader.readPart10(in, ReadOptions.DEFAULT.withStopBeforePixelData(true));

            assertThat(header.dataSet().contains(Tag.PixelData)).isFalse();
            if (headerLength == 0) {
                // An ECG has no Pixel Data: the whole file is read.
                assertThat(header.stoppedBeforePixelData()).isFalse();
                assertThat(in.count).isEqualTo(Files.size(file));
            } else {
                assertThat(header.stoppedBeforePixelData()).isTrue();
                assertThat(in.count).isEqualTo(header.pixelDataOffset() + headerLength).isLessThan(Files.size(file));
                // The full read finds Pixel Data where the header read stopped.
                Part10File full = DicomReader.readFile(file, ReadOptions.DEFAULT);
                assertThat(full.pixelDataOffset()).isEqualTo(header.pixelDataOffset());
                // ... and the header read holds exactly the elements before it.
                assertThat(full.dataSet().elements().stream()
                        .filter(e -> Integer.compareUnsigned(e.tag(), Tag.PixelData) < 0).map(e -> e.tag()).toList())
                        .isEqualTo(header.dataSet().elements().stream().map(e -> e.tag()).toList());
            }
        }
    }

    @Test
    void readHeaderReportsMetaDataSetAndOffset() throws Exception {
        Part10File h = Part10.readHeader(TestFiles.file("dicom/CT_small.dcm"), DecodeLimits.DEFAULT);

        assertThat(h.meta().transferSyntax()).isEqualTo(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertThat(h.meta().mediaStorageSopClassUid()).isEqualTo(h.dataSet().getString(Tag.SOPClassUID).orElseThrow());
        assertThat(h.dataSetOffset()).isGreaterThan(132);
        assertThat(h.stoppedBeforePixelData()).isTrue();
    }

    @Test
    void largePixelDataIsReadAsReferenceAndWrittenBackWithASmallHeap() throws Exception {
        // 300 MB of pixel data, far above the child JVM's 48 MB heap: it can only pass if the
        // value goes from file to file in chunks.
        Path source = tmp.resolve("large.dcm");
        LargeBulkDataRoundTrip.writeLargeFile(source, 300L << 20);
        Path copy = tmp.resolve("copy.dcm");

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                LargeBulkDataRoundTrip.class.getName(), source.toString(), copy.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        Part10File reread = DicomReader.readFile(copy, ReadOptions.DEFAULT.withBulkDataReferences(1024));
        BulkData pixels = reread.dataSet().getBulkData(Tag.PixelData).orElseThrow();
        assertThat(pixels.length()).isEqualTo(300L << 20);
        assertThat(LargeBulkDataRoundTrip.sha256(pixels)).isEqualTo(LargeBulkDataRoundTrip.expectedSha256(300L << 20));
    }
}
