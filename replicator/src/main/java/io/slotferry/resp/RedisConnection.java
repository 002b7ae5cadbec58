package io.slotferry.resp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    private RedisConnection(RedisEndpoint endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.reader = new RespReader(socket.getInputStream(), 1 << 16);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Connects and authenticates (AUTH password, or AUTH user password for an ACL user). */
    public static RedisConnection open(RedisEndpoint endpoint, Duration connectTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) connectTimeout.toMillis());
            if (endpoint.tls() != null) {
                SSLSocket tls = (SSLSocket) endpoint.tls().createSocket(socket, endpoint.host(), endpoint.port(), true);
                if (endpoint.verifyHostname()) {
                    SSLParameters params = tls.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                    tls.setSSLParameters(params);
                } // else the operator explicitly chose an unverified connection (--target-tls-insecure)
                tls.startHandshake();
                socket = tls;
            }
            RedisConnection c = new RedisConnection(endpoint, socket);
            c.authenticate();
            return c;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
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

    /** Sends a command and reads its reply. */
    public RespValue call(String... args) throws IOException {
        send(RespWriter.command(args));
        return reader.read();
    }

    /** Sends a command with raw arguments and reads its reply. */
    public RespValue call(List<byte[]> argv) throws IOException {
        send(RespWriter.command(argv));
        return reader.read();
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
