package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.net.service.StoreSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB C-STORE streamed from a file through {@link DicomClient} into {@link DicomServer}
 * whose sink only counts: neither side may hold the data set, so the pooled buffer memory in use
 * stays at a few PDUs and the heap does not grow by the instance size.
 */
class LargeStoreTest {
  static {
    NetTestSupport.init();
  }

  private static final long SIZE = 200L * 1024 * 1024;
  private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
  private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

  @TempDir
  Path dir;

  @Test
  void streams200MegabytesWithoutHoldingThem() throws Exception {
    Path file = dir.resolve("large.bin");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(SIZE + 100); // sparse file; the 100 leading bytes stand for a Part 10 header
    }
    AtomicLong received = new AtomicLong();
    AtomicLong maxPooledMemory = new AtomicLong();
    AtomicLong fragments = new AtomicLong();
    StoreSink sink = new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        received.addAndGet(data.readableBytes());
        data.release();
        if (fragments.incrementAndGet() % 64 == 0) {
          var metric = PooledByteBufAllocator.DEFAULT.metric();
          maxPooledMemory.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
        }
      }

      @Override
      public CompletionStage<StoreResult> end() {
        return CompletableFuture.completedFuture(StoreResult.success());
      }

      @Override
      public void abort(Throwable cause) {
      }
    };
    long heapBefore = usedHeapAfterGc();
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .build(), DicomServices.builder().store(r -> sink).build())) {
      ClientAssociation a = DicomClient.connect(ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
          .build(), List.of(PresentationContextProposal.of(SECONDARY_CAPTURE, EXPLICIT_LE)))
          .get(10, TimeUnit.SECONDS);
      DimseResponse r = a.store(SECONDARY_CAPTURE, "1.2.3.999", EXPLICIT_LE, DataSetSource.of(file, 100, SIZE))
          .get(120, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(Status.SUCCESS);
      a.release().get(10, TimeUnit.SECONDS);
    }
    assertThat(received.get()).isEqualTo(SIZE);
    // a whole PDU is the most either side holds; the pools' chunks (4 MiB each) bound this
    assertThat(maxPooledMemory.get()).isLessThan(64L * 1024 * 1024);
    assertThat(usedHeapAfterGc() - heapBefore).isLessThan(SIZE / 4);
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getUsage().getUsed()).sum();
  }

}
