package org.huizhen.dicom.net.service;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.DimseService;
import org.huizhen.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE SCP (PS3.4 Annex B, PS3.7 9.1.1): turns a C-STORE-RQ into a {@link StoreRequest},
 * streams the data-set fragments into the application's {@link StoreSink} and answers with the
 * C-STORE-RSP once the sink's {@link StoreSink#end()} stage completes.
 *
 * <p>Failures answer with a status and an Error Comment (0000,0902): a handler exception (0xA700
 * for {@link IOException}, 0xC000 otherwise, or the status of a {@link StoreRefusedException}), a
 * SOP class that differs from the presentation context's abstract syntax (0x0122). The data set is
 * still read to its end before that response, as the protocol requires.
 *
 * <p>Threading: event loop only, except the response, which may come from any thread.
 */
public final class StoreService implements DimseService {
  private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);

  private final StoreHandler handler;

  public StoreService(StoreHandler handler) {
    this.handler = handler;
  }

  @Override
  public DimseOperation begin(DimseExchange exchange) {
    CommandSet cmd = exchange.command();
    String sopClass = cmd.getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse("");
    String sopInstance = cmd.getString(CommandSet.AFFECTED_SOP_INSTANCE_UID).orElse("");
    Operation op = new Operation(exchange, sopClass, sopInstance);
    if (!cmd.hasDataSet()) {
      op.fail(Status.CANNOT_UNDERSTAND, "C-STORE-RQ without data set");
      op.respond(null);
      return DimseOperation.NONE;
    }
    if (sopClass.isEmpty() || sopInstance.isEmpty()) {
      op.fail(Status.CANNOT_UNDERSTAND, "missing Affected SOP Class or Instance UID");
      return op;
    }
    if (!sopClass.equals(exchange.presentationContext().abstractSyntax())) {
      op.fail(Status.SOP_CLASS_NOT_SUPPORTED, "SOP class " + sopClass
          + " on presentation context for " + exchange.presentationContext().abstractSyntax());
      return op;
    }
    Channel channel = exchange.association().channel();
    FlowControl flow = new FlowControl() {
      @Override
      public void pause() {
        channel.config().setAutoRead(false);
      }

      @Override
      public void resume() {
        channel.config().setAutoRead(true);
      }
    };
    StoreRequest request = new StoreRequest(exchange.association().context(), exchange.messageId(),
        sopClass, sopInstance, exchange.presentationContext().transferSyntax(),
        cmd.getInt(CommandSet.PRIORITY).orElse(CommandSet.PRIORITY_MEDIUM),
        cmd.getString(CommandSet.MOVE_ORIGINATOR_AE_TITLE).filter(s -> !s.isEmpty()),
        cmd.getInt(CommandSet.MOVE_ORIGINATOR_MESSAGE_ID).isPresent()
            ? OptionalInt.of(cmd.getInt(CommandSet.MOVE_ORIGINATOR_MESSAGE_ID).getAsInt())
            : OptionalInt.empty(),
        flow);
    try {
      op.sink = handler.begin(request);
      if (op.sink == null) {
        op.fail(Status.PROCESSING_FAILURE, "store handler returned no sink");
      }
    } catch (StoreRefusedException e) {
      op.fail(e.status(), e.getMessage());
    } catch (IOException e) {
      LOG.info("{}: store handler refused {}: {}", exchange.association(), sopInstance, e.toString());
      op.fail(Status.REFUSED_OUT_OF_RESOURCES, String.valueOf(e.getMessage()));
    } catch (Exception e) {
      LOG.info("{}: store handler failed for {}", exchange.association(), sopInstance, e);
      op.fail(Status.CANNOT_UNDERSTAND, String.valueOf(e.getMessage()));
    }
    return op;
  }

  private static final class Operation implements DimseOperation {
    private final DimseExchange exchange;
    private final String sopClass;
    private final String sopInstance;
    StoreSink sink;
    private Status failure;
    private String failureComment;

    Operation(DimseExchange exchange, String sopClass, String sopInstance) {
      this.exchange = exchange;
      this.sopClass = sopClass;
      this.sopInstance = sopInstance;
    }

    void fail(Status status, String comment) {
      failure = status;
      failureComment = comment;
    }

    @Override
    public void data(ByteBuf fragment, boolean last) {
      if (failure != null) {
        fragment.release();
      } else {
        try {
          sink.data(fragment);
        } catch (RuntimeException e) {
          LOG.warn("{}: store sink failed", exchange.association(), e);
          fail(Status.REFUSED_OUT_OF_RESOURCES, String.valueOf(e.getMessage()));
          sink.abort(e);
        }
      }
      if (!last) {
        return;
      }
      if (failure != null) {
        respond(null);
        return;
      }
      CompletionStage<StoreResult> stage;
      try {
        stage = sink.end();
      } catch (RuntimeException e) {
        stage = java.util.concurrent.CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((result, error) -> {
        if (error != null) {
          Throwable cause = error instanceof CompletionException && error.getCause() != null
              ? error.getCause() : error;
          fail(cause instanceof StoreRefusedException r ? r.status()
              : cause instanceof IOException ? Status.REFUSED_OUT_OF_RESOURCES : Status.CANNOT_UNDERSTAND,
              String.valueOf(cause.getMessage()));
          respond(null);
        } else {
          respond(result);
        }
      });
    }

    void respond(StoreResult result) {
      StoreResult r = result != null ? result
          : new StoreResult(failure.code(), Optional.ofNullable(failureComment), List.of());
      CommandSet.Builder rsp = exchange.response(Status.of(r.status()))
          .setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClass)
          .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, sopInstance);
      if (!Status.of(r.status()).isSuccess()) {
        r.errorComment().ifPresent(c -> rsp.setString(CommandSet.ERROR_COMMENT,
            c.length() <= 64 ? c : c.substring(0, 64)));
        if (!r.offendingElements().isEmpty()) {
          rsp.setTags(CommandSet.OFFENDING_ELEMENT,
              r.offendingElements().stream().mapToInt(Integer::intValue).toArray());
        }
      }
      exchange.respond(rsp.build());
    }

    @Override
    public void abort(Throwable cause) {
      if (sink != null && failure == null) {
        sink.abort(cause);
      }
    }
  }
}
