package io.slotferry.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code http://ADDR:PORT/metrics} (Prometheus text), {@code /status} (the status JSON), {@code /ready}
 * (200 when the run is ready for cutover, 503 otherwise: a Kubernetes readiness probe) and {@code /live}
 * (200 while the process serves: a liveness probe). Bound to loopback unless the operator names another
 * address: the status names hosts of the fleet, and there is no authentication.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;

    private StatusServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on loopback, {@code port} (0 picks a free one). */
    public static StatusServer start(int port, Supplier<String> metrics, Supplier<byte[]> statusJson) throws IOException {
        return start(null, port, metrics, statusJson, () -> false);
    }

    /**
     * Starts serving on {@code bind} (null: loopback), {@code port} (0 picks a free one); {@code ready} answers
     * {@code /ready}.
     */
    public static StatusServer start(String bind, int port, Supplier<String> metrics, Supplier<byte[]> statusJson,
            BooleanSupplier ready) throws IOException {
        InetAddress address = bind == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(bind);
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (BindException e) {
            BindException named = new BindException("the metrics port " + address.getHostAddress() + ":" + port
                    + " is already in use by another process: choose another --metrics-port");
            named.initCause(e);
            throw named;
        }
        s.createContext("/metrics", x -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.get().getBytes(StandardCharsets.UTF_8)));
        s.createContext("/status", x -> reply(x, 200, "application/json", statusJson.get()));
        s.createContext("/ready", x -> {
            boolean r = ready.getAsBoolean();
            reply(x, r ? 200 : 503, "text/plain; charset=utf-8",
                    (r ? "ready_for_cutover\n" : "not ready for cutover\n").getBytes(StandardCharsets.UTF_8));
        });
        s.createContext("/live", x -> reply(x, 200, "text/plain; charset=utf-8", "live\n".getBytes(StandardCharsets.UTF_8)));
        s.setExecutor(null); // the server's own thread: scrapes are rare and cheap
        s.start();
        return new StatusServer(s);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** True when {@code bind} is a loopback address (or null: loopback). */
    public static boolean isLoopback(String bind) throws IOException {
        return bind == null || InetAddress.getByName(bind).isLoopbackAddress();
    }

    private static void reply(HttpExchange x, int code, String type, byte[] body) throws IOException {
        try (x) {
            if (!x.getRequestMethod().equals("GET")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            x.getResponseHeaders().set("Content-Type", type);
            x.sendResponseHeaders(code, body.length);
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
