package io.slotferry.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code http://127.0.0.1:PORT/metrics} (Prometheus text) and {@code /status} (the status JSON).
 * Bound to loopback only: the status names hosts of the fleet, and there is no authentication.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on {@code port} (0 picks a free one). */
    public static StatusServer start(int port, Supplier<String> metrics, Supplier<byte[]> statusJson) throws IOException {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (java.net.BindException e) {
            java.net.BindException named = new java.net.BindException("the metrics port 127.0.0.1:" + port
                    + " is already in use by another process: choose another --metrics-port");
            named.initCause(e);
            throw named;
        }
        s.createContext("/metrics", x -> reply(x, "text/plain; version=0.0.4; charset=utf-8",
                metrics.get().getBytes(StandardCharsets.UTF_8)));
        s.createContext("/status", x -> reply(x, "application/json", statusJson.get()));
        s.setExecutor(null); // the server's own thread: scrapes are rare and cheap
        s.start();
        return new StatusServer(s);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange x, String type, byte[] body) throws IOException {
        try (x) {
            if (!x.getRequestMethod().equals("GET")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
