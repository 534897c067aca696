package org.huizhen.dicom.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.huizhen.dicom.net.assoc.AcceptorSettings;
import org.huizhen.dicom.net.assoc.AssociationDecision;
import org.huizhen.dicom.net.assoc.AssociationHandler;
import org.huizhen.dicom.net.assoc.AssociationPolicy;
import org.huizhen.dicom.net.assoc.State;
import org.huizhen.dicom.net.dimse.DimseDispatcher;
import org.huizhen.dicom.net.dimse.PDataAssembler;
import org.huizhen.dicom.net.pdu.PduDecoder;
import org.huizhen.dicom.net.pdu.PduEncoder;
import org.huizhen.dicom.net.service.DicomServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DICOM upper-layer server (association acceptor, PS3.8) offering the given DIMSE services.
 * Each accepted connection gets this pipeline:
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * (plus an {@code IdleStateHandler} in front that reports {@code idleTimeout} to the association
 * handler). Limits come from {@link DicomServerConfig} (see its comment). TCP_NODELAY is on: DIMSE is
 * request/response and small responses must not wait for Nagle.
 *
 * <p>Threading: {@link #start} and {@link #close()} may be called from any thread except an
 * event loop of the server (they block). Connections run on the configured or own event loops.
 */
public final class DicomServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DicomServer.class);

  private final DicomServerConfig config;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final boolean ownGroups;

  private DicomServer(DicomServerConfig config, Channel serverChannel, ChannelGroup connections,
      EventLoopGroup bossGroup, EventLoopGroup workerGroup, boolean ownGroups) {
    this.config = config;
    this.serverChannel = serverChannel;
    this.connections = connections;
    this.bossGroup = bossGroup;
    this.workerGroup = workerGroup;
    this.ownGroups = ownGroups;
  }

  /**
   * Binds and starts accepting associations. Returns once the port is bound.
   *
   * @throws SSLException if the TLS configuration cannot be loaded
   * @throws InterruptedException if interrupted while binding
   */
  public static DicomServer start(DicomServerConfig config, DicomServices services)
      throws SSLException, InterruptedException {
    SslContext ssl = config.tls().isPresent() ? config.tls().get().serverContext() : null;
    boolean own = config.eventLoopGroup().isEmpty();
    EventLoopGroup boss = config.eventLoopGroup()
        .orElseGet(() -> new NioEventLoopGroup(1, new DefaultThreadFactory("dicom-accept", true)));
    EventLoopGroup workers = config.eventLoopGroup()
        .orElseGet(() -> new NioEventLoopGroup(0, new DefaultThreadFactory("dicom-io", true)));
    ChannelGroup connections = new DefaultChannelGroup("dicom-associations", GlobalEventExecutor.INSTANCE);
    // PS3.8 Table 9-21: too many associations is "rejected-transient, service-provider
    // (presentation), local-limit-exceeded"; the connection asking counts itself
    AssociationPolicy limited = rq -> connections.size() > config.maxAssociations()
        ? AssociationDecision.Reject.LOCAL_LIMIT_EXCEEDED : config.policy().decide(rq);
    AcceptorSettings settings = new AcceptorSettings(config.aeTitle(), config.strictCalledAe(),
        config.abstractSyntaxes(), config.transferSyntaxes(), limited,
        config.extendedNegotiation(), config.limits().maxPduLengthReceived(), config.requestorScpRole());
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            ChannelPipeline p = ch.pipeline();
            if (ssl != null) {
              p.addLast("tls", ssl.newHandler(ch.alloc()));
            }
            p.addLast("idle", new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            p.addLast("pduDecoder", new PduDecoder(config.limits()));
            p.addLast("pduEncoder", PduEncoder.INSTANCE);
            p.addLast("pdataAssembler", new PDataAssembler(config.maxCommandSetLength()));
            p.addLast("association", AssociationHandler.acceptor(settings, config.artimTimeout()));
            p.addLast("dimse", new DimseDispatcher(services.services()));
          }
        });
    try {
      Channel ch = b.bind(config.bindHost(), config.port()).sync().channel();
      LOG.info("DICOM server {} listening on {}{}", config.aeTitle(), ch.localAddress(),
          ssl != null ? " (TLS)" : "");
      return new DicomServer(config, ch, connections, boss, workers, own);
    } catch (InterruptedException | RuntimeException e) {
      if (own) {
        boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  /** The bound port (the ephemeral one when the configuration said 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Number of open connections. */
  public int openConnections() {
    return connections.size();
  }

  /**
   * Stops accepting, lets every association finish its in-flight operations and releases it
   * (A-RELEASE-RQ from our side), then closes what is left after {@code closeTimeout}. Blocks
   * until done. Idempotent.
   */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    CompletableFuture<?>[] all = connections.stream().map(ch -> {
      AssociationHandler h = ch.pipeline().get(AssociationHandler.class);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      ch.closeFuture().addListener(f -> closed.complete(null));
      ch.eventLoop().execute(() -> {
        if (h != null && h.state() == State.STA6) {
          h.established().thenAccept(a -> a.release());
        } else if (h == null || h.state() == State.STA2 || h.state() == State.STA1) {
          ch.close();
        }
      });
      return closed;
    }).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(all).get(config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("DICOM server {}: {} associations still open after {}, closing them",
          config.aeTitle(), connections.size(), config.closeTimeout());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.debug("close", e);
    }
    connections.close().awaitUninterruptibly();
    if (ownGroups) {
      bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
