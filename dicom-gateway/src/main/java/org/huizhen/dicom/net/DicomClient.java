package org.huizhen.dicom.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import org.huizhen.dicom.net.assoc.AssociationHandler;
import org.huizhen.dicom.net.assoc.Negotiator;
import org.huizhen.dicom.net.dimse.DimseDispatcher;
import org.huizhen.dicom.net.dimse.PDataAssembler;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.PduDecoder;
import org.huizhen.dicom.net.pdu.PduEncoder;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.pdu.UserInformation;

/**
 * Opens associations as requestor (SCU), asynchronously on Netty, with the same pipeline as the
 * server:
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Threading: {@link #connect} may be called from any thread; the returned future completes on
 * the association's event loop.
 */
public final class DicomClient {
  private static final class SharedGroup {
    static final EventLoopGroup GROUP =
        new NioEventLoopGroup(0, new DefaultThreadFactory("dicom-client", true));
  }

  private DicomClient() {
  }

  /**
   * Connects and negotiates. Completes with the association when it is established; fails with
   * {@link org.huizhen.dicom.net.assoc.AssociateRejectedException} (result/source/reason) on an
   * A-ASSOCIATE-RJ, or with the connection or TLS error.
   *
   * @param proposals at most 128 presentation contexts, ids assigned 1, 3, 5...
   */
  public static CompletableFuture<ClientAssociation> connect(ClientConfig config,
      List<PresentationContextProposal> proposals) {
    return connect(config, proposals, List.of(), null);
  }

  /**
   * As {@link #connect(ClientConfig, List)}, proposing SCP/SCU role selections (PS3.7 D.3.3.4)
   * and serving the requests the peer sends us on this association with {@code services}
   * (may be null): a C-GET SCU proposes the SCP role for the storage SOP classes it wants to
   * receive and passes a C-STORE handler here (PS3.4 C.4.3). See
   * {@link ClientAssociation#acceptedScpRole(String)} for what the peer granted.
   */
  public static CompletableFuture<ClientAssociation> connect(ClientConfig config,
      List<PresentationContextProposal> proposals, List<RoleSelection> roleSelections,
      DicomServices services) {
    if (proposals.isEmpty() || proposals.size() > 128) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("1..128 presentation contexts, got " + proposals.size()));
    }
    SslContext ssl;
    try {
      ssl = config.tls().isPresent() ? config.tls().get().clientContext() : null;
    } catch (SSLException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<PresentationContextRq> pcs = new ArrayList<>();
    for (int i = 0; i < proposals.size(); i++) {
      PresentationContextProposal p = proposals.get(i);
      pcs.add(new PresentationContextRq(2 * i + 1, p.abstractSyntax(), p.transferSyntaxes()));
    }
    UserInformation ui = new UserInformation(config.limits().maxPduLengthReceived(),
        Negotiator.IMPLEMENTATION_CLASS_UID, Optional.of(Negotiator.IMPLEMENTATION_VERSION_NAME),
        OptionalInt.empty(), OptionalInt.empty(), List.copyOf(roleSelections), List.of(), config.userIdentity(),
        Optional.empty());
    AAssociateRq rq = new AAssociateRq(1, config.calledAe(), config.callingAe(),
        AAssociateRq.DICOM_APPLICATION_CONTEXT, pcs, ui);
    AssociationHandler handler = AssociationHandler.requestor(rq, config.artimTimeout());
    DimseDispatcher dispatcher = new DimseDispatcher(
        services == null ? Map.of() : services.services(), config.responseTimeout());
    Bootstrap b = new Bootstrap()
        .group(config.eventLoopGroup().orElse(SharedGroup.GROUP))
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              p.addLast("tls", ssl.newHandler(ch.alloc(), config.host(), config.port()));
            }
            p.addLast("pduDecoder", new PduDecoder(config.limits()));
            p.addLast("pduEncoder", PduEncoder.INSTANCE);
            p.addLast("pdataAssembler", new PDataAssembler(config.maxCommandSetLength()));
            p.addLast("association", handler);
            p.addLast("dimse", dispatcher);
          }
        });
    CompletableFuture<ClientAssociation> result = new CompletableFuture<>();
    ChannelFuture connect = b.connect(config.host(), config.port());
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
      }
    });
    handler.established().whenComplete((a, e) -> {
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(new ClientAssociation(a, dispatcher));
      }
    });
    return result;
  }
}
