package org.huizhen.hub.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.transports.JDKTransport;
import io.vertx.core.net.NetServerOptions;

/**
 * Vert.x's JDK (NIO) transport, except that the connections its servers accept read up to
 * {@link #READ_MAX} bytes per read instead of Netty's 64 KiB.
 *
 * <p>Why: a STOW-RS body (0.5 MB per CT slice, hundreds of MB per study) was read in 64 KiB
 * pieces, and every piece cost a read(2), a TCP window update (on loopback the sender's
 * transmit then runs in the hub's thread), a pass through the pipeline, Vert.x's copy into a
 * heap buffer and a hand-off to the blob writer. Netty's adaptive allocator still starts each
 * connection at 2 KiB and grows only while reads fill the buffer, so a GET or a QIDO-RS query
 * costs what it did.
 *
 * <p>Why not {@code HttpServerOptions.setReceiveBufferSize}: Vert.x then also fixes the socket's
 * SO_RCVBUF, which turns off the kernel's receive autotuning and caps the buffer at
 * {@code net.core.rmem_max} (208 KiB by default): too small a TCP window for a clinic's uplink
 * with tens of milliseconds of round trip. The allocator has to be set on the bootstrap: Netty
 * caches each channel's allocator handle at its first read, which happens before Vert.x hands
 * the HTTP connection to a connection handler.
 *
 * <p>{@link VertxBuilder} is Vert.x 4's internal way to choose a transport (Vert.x 5 has
 * {@code Vertx.builder().withTransport}).
 */
public final class LargeReadTransport extends JDKTransport {
    /** Largest read of an accepted connection; below G1's humongous size for a 1 MiB region. */
    public static final int READ_MAX = 256 * 1024;

    /** A Vert.x instance with the default options on this transport. */
    public static Vertx vertx() {
        return new VertxBuilder(new VertxOptions()).findTransport(new LargeReadTransport()).init().vertx();
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        if (options.getReceiveBufferSize() == -1) { // an explicit size keeps Vert.x's fixed allocator
            bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, READ_MAX));
        }
    }
}
