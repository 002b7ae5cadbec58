package io.slotferry.resp;

import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach and authenticate to a Redis server (a source instance or a target node). The password is a supplier so it is read
 * from its env var or file when needed and never stored in a printable field.
 *
 * @param host           host name or address (an IPv6 address without brackets)
 * @param port           TCP port
 * @param tls            null for plain TCP; otherwise the factory used to open TLS sockets (verification
 *                       is the factory's, on by default in the CLI)
 * @param user           ACL user for {@code AUTH user password}, or null for {@code AUTH password}
 * @param password       supplier of the password, or null when the source has none
 * @param verifyHostname whether {@link RedisConnection} checks that the certificate names {@code host}; false only when the
 *                       operator asked for an unverified connection ({@code --target-tls-insecure}); ignored without TLS
 */
public record RedisEndpoint(String host, int port, SSLSocketFactory tls, String user, Supplier<String> password,
        boolean verifyHostname) {
    public RedisEndpoint {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** An endpoint whose host name is verified whenever TLS is used (every caller but an explicitly insecure one). */
    public RedisEndpoint(String host, int port, SSLSocketFactory tls, String user, Supplier<String> password) {
        this(host, port, tls, user, password, true);
    }

    /** Another node of the same deployment: same TLS, verification and credentials (ElastiCache nodes share them). */
    public RedisEndpoint at(String otherHost, int otherPort) {
        return new RedisEndpoint(otherHost, otherPort, tls, user, password, verifyHostname);
    }

    /** Plain TCP, no AUTH. */
    public static RedisEndpoint plain(String host, int port) {
        return new RedisEndpoint(host, port, null, null, null);
    }

    /** For logs: never includes the password. */
    @Override
    public String toString() {
        // An IPv6 address needs brackets, or its last group would read as the port.
        String address = host.contains(":") ? "[" + host + "]" : host;
        return (tls != null ? "rediss://" : "redis://") + (user != null ? user + "@" : "") + address + ":" + port;
    }
}
