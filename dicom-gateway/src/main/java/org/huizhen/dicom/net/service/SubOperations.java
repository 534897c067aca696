package org.huizhen.dicom.net.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE sub-operations of a C-MOVE or C-GET and their responses (PS3.4 C.4.2.1.5,
 * C.4.3.1.5; PS3.7 9.3.3.2, 9.3.4.2): one store after the other, a Pending response with the
 * Number of Remaining/Completed/Failed/Warning Sub-operations after each, then the final
 * response: Success (0x0000) when all completed without warning, Cancel (0xFE00) after a
 * C-CANCEL-RQ (with the remaining count), 0xA702 when every sub-operation failed, otherwise
 * 0xB000; with an identifier holding the Failed SOP Instance UID List (0008,0058) whenever some
 * failed.
 *
 * <p>Threading: {@link #run} blocks; worker thread only.
 */
final class SubOperations {
  private static final Logger LOG = LoggerFactory.getLogger(SubOperations.class);

  /** Sends one instance and returns the C-STORE-RSP status. Blocks; worker thread. */
  @FunctionalInterface
  interface Sender {
    Status store(RetrieveInstance instance) throws Exception;
  }

  private final DimseExchange exchange;
  private final String sopClass;
  private final String transferSyntax;
  private int completed;
  private int failed;
  private int warning;
  private final List<String> failedUids = new ArrayList<>();

  SubOperations(DimseExchange exchange) {
    this.exchange = exchange;
    this.sopClass = exchange.command().getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse("");
    this.transferSyntax = exchange.presentationContext().transferSyntax();
  }

  /** Stores every instance with {@code sender} (stopping early on cancel) and sends the final response. */
  void run(List<RetrieveInstance> instances, Sender sender) {
    int n = instances.size();
    CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
    try {
      for (int i = 0; i < n && !exchange.cancelled(); i++) {
        RetrieveInstance instance = instances.get(i);
        Status status;
        try {
          status = sender.store(instance);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          LOG.info("{}: sub-operation for {} failed: {}", exchange.association(), instance.sopInstanceUid(),
              e.toString());
          status = Status.PROCESSING_FAILURE;
        }
        switch (status.category()) {
          case SUCCESS -> completed++;
          case WARNING -> warning++;
          default -> {
            failed++;
            failedUids.add(instance.sopInstanceUid());
          }
        }
        previous.get(); // backpressure: one pending response on its way at a time
        previous = exchange.respondPending(counts(Status.PENDING, n - i - 1).build(), null);
      }
      previous.get();
    } catch (ExecutionException e) {
      LOG.debug("{}: retrieve ended, connection lost: {}", exchange.association(), e.getCause().toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Identifiers.fail(exchange, Status.PROCESSING_FAILURE, "interrupted");
      return;
    }
    finish(n);
  }

  /** Every sub-operation failed before any could be attempted (e.g. destination unreachable). */
  void failAll(List<RetrieveInstance> instances, String comment) {
    failed = instances.size();
    instances.forEach(i -> failedUids.add(i.sopInstanceUid()));
    CommandSet.Builder rsp = counts(Status.OUT_OF_RESOURCES_UNABLE_TO_PERFORM_SUBOPERATIONS, -1)
        .setString(CommandSet.ERROR_COMMENT, Identifiers.comment(comment));
    exchange.respond(rsp.build(), failedList());
  }

  private void finish(int n) {
    int remaining = n - completed - failed - warning;
    Status status;
    if (exchange.cancelled()) {
      status = Status.CANCEL;
    } else if (failed == 0 && warning == 0) {
      status = Status.SUCCESS;
    } else if (failed == n) {
      status = Status.OUT_OF_RESOURCES_UNABLE_TO_PERFORM_SUBOPERATIONS;
    } else {
      status = Status.SUBOPERATIONS_COMPLETE_WITH_FAILURES;
    }
    // PS3.7 9.3.4.2: Number of Remaining Sub-operations only in Pending and Cancel responses
    CommandSet.Builder rsp = counts(status, status.equals(Status.CANCEL) ? remaining : -1);
    exchange.respond(rsp.build(), failed > 0 ? failedList() : null);
  }

  private byte[] failedList() {
    DataSet ds = DataSet.builder()
        .setString(Tag.FailedSOPInstanceUIDList, VR.UI, failedUids.toArray(String[]::new)).build();
    try {
      return Identifiers.encode(ds, transferSyntax);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // writing to memory
    }
  }

  private CommandSet.Builder counts(Status status, int remaining) {
    CommandSet.Builder b = exchange.response(status)
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClass)
        .setInt(CommandSet.NUMBER_OF_COMPLETED_SUBOPERATIONS, completed)
        .setInt(CommandSet.NUMBER_OF_FAILED_SUBOPERATIONS, failed)
        .setInt(CommandSet.NUMBER_OF_WARNING_SUBOPERATIONS, warning);
    if (remaining >= 0) {
      b.setInt(CommandSet.NUMBER_OF_REMAINING_SUBOPERATIONS, remaining);
    }
    return b;
  }
}
