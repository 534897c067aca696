package org.huizhen.dicom.net;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.huizhen.dicom.net.service.StoreHandler;
import org.huizhen.dicom.net.service.StoreRequest;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.net.service.StoreSink;

/**
 * A test {@link StoreHandler} that writes each received data set to its own file in a directory
 * (blocking writes on the event loop are fine for a test) and remembers the requests.
 */
final class FileStoreHandler implements StoreHandler {
  record Stored(StoreRequest request, Path file) {}

  private final Path dir;
  private final AtomicInteger counter = new AtomicInteger();
  final List<Stored> stored = new CopyOnWriteArrayList<>();
  final AtomicInteger aborted = new AtomicInteger();

  FileStoreHandler(Path dir) {
    this.dir = dir;
  }

  @Override
  public StoreSink begin(StoreRequest request) throws IOException {
    Path file = dir.resolve(counter.incrementAndGet() + ".ds");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        try {
          while (data.isReadable()) {
            data.readBytes(ch, data.readableBytes());
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          data.release();
        }
      }

      @Override
      public CompletionStage<StoreResult> end() {
        try {
          ch.close();
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
        stored.add(new Stored(request, file));
        return CompletableFuture.completedFuture(StoreResult.success());
      }

      @Override
      public void abort(Throwable cause) {
        aborted.incrementAndGet();
        try {
          ch.close();
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
