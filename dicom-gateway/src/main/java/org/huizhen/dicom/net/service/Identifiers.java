package org.huizhen.dicom.net.service;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.Status;

/**
 * Encoding and decoding of Query/Retrieve identifiers (the data set after a C-FIND/MOVE/GET
 * command, PS3.4 C.4) in a presentation context's transfer syntax, and the operation that
 * collects a request identifier's fragments (bounded) before the service works on it.
 *
 * <p>Stateless; the collecting operation runs on the event loop; encode and decode on any thread.
 */
public final class Identifiers {
  /** Default upper bound of a request identifier (bytes): query keys are small. */
  static final int DEFAULT_MAX_IDENTIFIER_LENGTH = 1024 * 1024;

  /** Runs handlers and sub-operations: one virtual thread per request, off the event loops. */
  static final ExecutorService WORKERS = Executors.newVirtualThreadPerTaskExecutor();

  private Identifiers() {
  }

  /** Decodes an identifier (a bare data set) encoded in {@code transferSyntaxUid}. */
  public static DataSet decode(byte[] bytes, String transferSyntaxUid) throws IOException {
    return DicomReader.readDataSet(new ByteArrayInputStream(bytes), TransferSyntax.of(transferSyntaxUid),
        ReadOptions.DEFAULT);
  }

  /** Encodes an identifier in {@code transferSyntaxUid}, text as the data set holds it (its Specific Character Set). */
  public static byte[] encode(DataSet identifier, String transferSyntaxUid) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    DicomWriter.writeDataSet(out, identifier, TransferSyntax.of(transferSyntaxUid), WriteOptions.DEFAULT);
    return out.toByteArray();
  }

  /**
   * Decodes a request identifier; on failure answers 0xC000 (cannot be decoded) or 0x0122 (the
   * command's SOP class is not the context's) and returns empty. Worker thread.
   */
  static java.util.Optional<DataSet> decodeOrFail(DimseExchange exchange, byte[] bytes) {
    String sopClass = exchange.command().getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse("");
    if (!sopClass.equals(exchange.presentationContext().abstractSyntax())) {
      fail(exchange, Status.SOP_CLASS_NOT_SUPPORTED, "SOP class " + sopClass
          + " on a context for " + exchange.presentationContext().abstractSyntax());
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(decode(bytes, exchange.presentationContext().transferSyntax()));
    } catch (IOException | RuntimeException e) {
      fail(exchange, Status.CANNOT_UNDERSTAND, "identifier cannot be decoded: " + e.getMessage());
      return java.util.Optional.empty();
    }
  }

  /** LO values hold at most 64 characters (PS3.5 6.2). */
  static String comment(String text) {
    String s = String.valueOf(text);
    return s.length() <= 64 ? s : s.substring(0, 64);
  }

  /** Answers {@code exchange} with a failure status and Error Comment. Any thread. */
  static void fail(DimseExchange exchange, Status status, String comment) {
    exchange.respond(exchange.response(status)
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID,
            exchange.command().getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse(""))
        .setString(CommandSet.ERROR_COMMENT, comment(comment)).build());
  }

  /**
   * Collects the identifier of a request up to {@code maxLength} bytes, then hands it to
   * {@code onIdentifier} on {@code executor}. A longer identifier is answered with 0xA700 after
   * its last fragment (PS3.7 requires reading the data set to its end first).
   *
   * <p>Ownership: releases every fragment. Event loop only.
   */
  static DimseOperation collect(DimseExchange exchange, int maxLength, Executor executor,
      Consumer<byte[]> onIdentifier) {
    return new DimseOperation() {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      private boolean tooLong;

      @Override
      public void data(ByteBuf fragment, boolean last) {
        try {
          if (!tooLong && bytes.size() + (long) fragment.readableBytes() <= maxLength) {
            fragment.readBytes(bytes, fragment.readableBytes());
          } else {
            tooLong = true;
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        } finally {
          fragment.release();
        }
        if (!last) {
          return;
        }
        if (tooLong) {
          fail(exchange, Status.REFUSED_OUT_OF_RESOURCES, "identifier longer than " + maxLength + " bytes");
          return;
        }
        byte[] b = bytes.toByteArray();
        executor.execute(() -> onIdentifier.accept(b));
      }

      @Override
      public void abort(Throwable cause) {
      }
    };
  }
}
