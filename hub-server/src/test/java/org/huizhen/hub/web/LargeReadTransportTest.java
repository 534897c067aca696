package org.huizhen.hub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A request body that waits in the socket is read in pieces of up to
 * {@link LargeReadTransport#READ_MAX} on the hub's transport, and of at most Netty's 64 KiB on
 * Vert.x's default one (the control, so that the first test can fail).
 */
class LargeReadTransportTest {
    private static final int BODY = 8 * 1024 * 1024;

    @Test
    void aWaitingBodyIsReadInPiecesLargerThanNettysDefault() throws Exception {
        Vertx vertx = LargeReadTransport.vertx();
        try {
            Chunks c = upload(vertx);
            assertThat(c.total()).isEqualTo(BODY);
            assertThat(c.largest()).isGreaterThan(64 * 1024).isLessThanOrEqualTo(LargeReadTransport.READ_MAX);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void vertxsDefaultTransportReadsAtMost64KiB() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Chunks c = upload(vertx);
            assertThat(c.total()).isEqualTo(BODY);
            assertThat(c.largest()).isLessThanOrEqualTo(64 * 1024);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    record Chunks(long total, int largest) {
    }

    /**
     * POSTs {@link #BODY} bytes to a server (chunks of up to READ_MAX, as the hub's) that pauses
     * the request for 300 ms first, so the body waits in the socket's buffer; returns what the
     * request's data handler saw.
     */
    private static Chunks upload(Vertx vertx) throws Exception {
        AtomicLong total = new AtomicLong();
        AtomicInteger largest = new AtomicInteger();
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setMaxChunkSize(LargeReadTransport.READ_MAX))
                .requestHandler(rq -> {
                    rq.pause();
                    rq.handler(b -> {
                        total.addAndGet(b.length());
                        largest.accumulateAndGet(b.length(), Math::max);
                    });
                    rq.endHandler(v -> rq.response().end("ok"));
                    vertx.setTimer(300, t -> rq.resume());
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + BODY + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] piece = new byte[1 << 20];
                    for (int i = 0; i < BODY / piece.length; i++) {
                        out.write(piece);
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = s.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            sent.get(20, TimeUnit.SECONDS);
            assertThat(answer).isEqualTo("HTTP/1.1 200");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return new Chunks(total.get(), largest.get());
    }
}
