package io.slotferry.resp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One connection to a Redis server (a source or a target node): TCP or TLS (host name verified unless
 * the endpoint opts out), authenticated, with a blocking request/reply API and raw access to the reply
 * stream (RDB transfer).
 */
public final class RedisConnection implements AutoCloseable {
    private final RedisEndpoint endpoint;
    private final Socket socket;
    private final RespReader reader;
    private final OutputStream out;
    private final Object writeLock = new Object();
    /** The bound of each reply of {@link #call}, as last set. */
    private Duration replyTimeout = Duration.ZERO;
    /** Whether the server answered a command on this connection (a later failure is not about what it is). */
    private boolean answered;

    private RedisConnection(RedisEndpoint endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.reader = new RespReader(socket.getInputStream(), 1 << 16);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /**
     * Connects and authenticates (AUTH password, or AUTH user password for an ACL user). Every wait is
     * bounded by {@code timeout}: the TCP connect, the TLS handshake, and each reply of {@link #call}
     * until {@link #readTimeout} sets another bound. A failure names the endpoint and what it did not do.
     */
    public static RedisConnection open(RedisEndpoint endpoint, Duration timeout) throws IOException {
        Socket socket = new Socket();
        int ms = millis(timeout);
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setReceiveBufferSize(1 << 20);
            try {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), ms);
            } catch (SocketTimeoutException e) {
                throw timedOut(endpoint + ": no TCP connection within " + seconds(timeout)
                        + " (a firewall dropping packets, or a wrong host or port?)", e);
            } catch (java.net.ConnectException e) {
                java.net.ConnectException named = new java.net.ConnectException(endpoint + ": " + e.getMessage()
                        + " (nothing listens there: check the host and port)");
                named.initCause(e);
                throw named;
            } catch (java.net.UnknownHostException e) {
                java.net.UnknownHostException named = new java.net.UnknownHostException(endpoint + ": unknown host "
                        + endpoint.host());
                named.initCause(e);
                throw named;
            }
            socket.setSoTimeout(ms);
            if (endpoint.tls() != null) {
                SSLSocket tls = (SSLSocket) endpoint.tls().createSocket(socket, endpoint.host(), endpoint.port(), true);
                if (endpoint.verifyHostname()) {
                    SSLParameters params = tls.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                    tls.setSSLParameters(params);
                } // else the operator explicitly chose an unverified connection (--target-tls-insecure)
                try {
                    tls.startHandshake();
                } catch (SocketTimeoutException e) {
                    throw timedOut(endpoint + ": no TLS handshake answer within " + seconds(timeout)
                            + " (is this a plain TCP port? then use redis://, not rediss://)", e);
                } catch (javax.net.ssl.SSLHandshakeException e) {
                    throw e; // a certificate problem: the caller explains it
                } catch (javax.net.ssl.SSLException e) {
                    throw new javax.net.ssl.SSLException(endpoint + ": did not answer as a TLS server (" + e.getMessage()
                            + "); if this port is plain TCP, use redis://, not rediss://", e);
                }
                socket = tls;
            }
            RedisConnection c = new RedisConnection(endpoint, socket);
            c.replyTimeout = timeout;
            c.authenticate();
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static SocketTimeoutException timedOut(String message, Throwable cause) {
        SocketTimeoutException e = new SocketTimeoutException(message);
        e.initCause(cause);
        return e;
    }

    private void authenticate() throws IOException {
        if (endpoint.password() == null) {
            return;
        }
        String password = endpoint.password().get();
        RespValue reply = endpoint.user() == null ? call("AUTH", password) : call("AUTH", endpoint.user(), password);
        if (reply instanceof RespValue.Error e) {
            // The reply never echoes the password; say which identity failed, not with what.
            throw new AuthenticationException("authentication to " + endpoint + " failed: " + e.message());
        }
    }

    /** Sends a command and reads its reply, waiting at most the reply timeout. */
    public RespValue call(String... args) throws IOException {
        return exchange(RespWriter.command(args), args.length == 0 ? "?" : args[0]);
    }

    /** Sends a command with raw arguments and reads its reply. */
    public RespValue call(List<byte[]> argv) throws IOException {
        return exchange(RespWriter.command(argv), argv.isEmpty() ? "?" : new String(argv.get(0), StandardCharsets.UTF_8));
    }

    /** One request and its reply; a silence, a closed connection or a non-RESP answer is told as what it likely means. */
    private RespValue exchange(byte[] command, String name) throws IOException {
        String what = name.length() > 32 ? name.substring(0, 32) : name;
        try {
            send(command);
            RespValue reply = reader.read();
            answered = true;
            return reply;
        } catch (SocketTimeoutException e) {
            throw timedOut(endpoint + ": no reply to " + what + " within " + seconds(replyTimeout)
                    + (answered ? "" : " (is it a Redis server, on the right port?)"), e);
        } catch (RespProtocolException e) {
            if (answered) {
                throw e;
            }
            throw new RespProtocolException(endpoint + ": did not answer as a Redis server (" + e.getMessage() + ")");
        } catch (java.io.EOFException | java.net.SocketException e) {
            if (answered || endpoint.tls() != null) {
                throw e;
            }
            if (TlsProbe.speaksTls(endpoint.host(), endpoint.port(), replyTimeout)) {
                throw new java.net.SocketException(endpoint + ": closed the connection at the first command: this port speaks"
                        + " TLS: use rediss://");
            }
            throw e;
        }
    }

    /** Writes and flushes; safe to call from a second thread (REPLCONF ACK) while another reads. */
    public void send(byte[] encoded) throws IOException {
        synchronized (writeLock) {
            out.write(encoded);
            out.flush();
        }
    }

    /** Writes {@code len} bytes of {@code buf} from {@code off} and flushes (one pipelined batch). */
    public void send(byte[] buf, int off, int len) throws IOException {
        synchronized (writeLock) {
            out.write(buf, off, len);
            out.flush();
        }
    }

    /** Sends several commands in one write (pipelining) without reading replies. */
    public void sendAll(List<byte[]> encodedCommands) throws IOException {
        synchronized (writeLock) {
            for (byte[] c : encodedCommands) {
                out.write(c);
            }
            out.flush();
        }
    }

    public RespReader reader() {
        return reader;
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** Local port of the connection (what a replica announces with REPLCONF listening-port). */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Read timeout; 0 = none. */
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        replyTimeout = timeout;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Text of a simple-string or bulk reply, for messages. */
    static String text(RespValue v) {
        if (v instanceof RespValue.SimpleString s) {
            return s.text();
        } else if (v instanceof RespValue.Bulk b && b.bytes() != null) {
            return new String(b.bytes(), StandardCharsets.UTF_8);
        } else if (v instanceof RespValue.Error e) {
            return "-" + e.message();
        }
        return String.valueOf(v);
    }
}
