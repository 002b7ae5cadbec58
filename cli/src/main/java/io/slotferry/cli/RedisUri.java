package io.slotferry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@code redis://[user@]host:port} or {@code rediss://[user@]host:port} as an operator typed it for a
 * source or a target, and the password that goes with it. Shared by {@link SourceOptions} and
 * {@link TargetOptions} so both accept the same forms and keep passwords off the command line the same way.
 *
 * @param tls  true for {@code rediss://}
 * @param user ACL user named in the URI, or null
 * @param host host name or address; an IPv6 address without its brackets
 * @param port TCP port, {@value #DEFAULT_PORT} when the URI has none
 */
record RedisUri(boolean tls, String user, String host, int port) {
    /** Redis's port, and ElastiCache's. */
    static final int DEFAULT_PORT = 6379;

    private static final String FORMS = "redis://[user@]host:port or rediss://[user@]host:port";

    /**
     * Parses {@code text}.
     *
     * @param role         what the URI is for, in messages: "source URI", "--target"
     * @param passwordHint where the password belongs instead, e.g. "MIGRATE_TARGET_PASSWORD or --target-password-file"
     * @throws IllegalArgumentException saying what is wrong; the message never contains a password
     */
    static RedisUri parse(String text, String role, String passwordHint) {
        // Before anything echoes the text: whatever sits between "://" and the last '@' is user info,
        // and a ':' in it (percent-encoded or not) means a password, even when the rest does not parse as a URI.
        int separator = text.indexOf("://");
        int start = separator < 0 ? 0 : separator + 3;
        int at = text.lastIndexOf('@');
        String userInfo = at >= start ? text.substring(start, at) : "";
        if (userInfo.contains(":") || userInfo.toLowerCase(Locale.ROOT).contains("%3a")) {
            throw new IllegalArgumentException("do not put a password in the " + role
                    + " (it would show in process lists and shell history); use " + passwordHint);
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            // The usual slip is a bare host:port: show it completed.
            String hint = text.contains("://") || lower.startsWith("redis") ? "" : " (e.g. redis://" + text + ")";
            throw new IllegalArgumentException(role + " '" + text + "' must be " + FORMS + hint);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            // e.getMessage() would repeat the input; the reason and index are enough with it quoted once.
            throw new IllegalArgumentException(role + " '" + text + "' is not a URI (" + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + "); expected " + FORMS);
        }
        if (uri.getHost() == null) {
            // java.net.URI leaves the host null for an empty one, a bad port or characters no host name has.
            throw new IllegalArgumentException(role + " '" + text + "' has no valid host[:port]; expected " + FORMS);
        }
        String path = uri.getRawPath();
        boolean hasPath = path != null && !path.isEmpty() && !path.equals("/");
        if (hasPath || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(role + " '" + text + "' has something after host:port (a database number, "
                    + "options?); expected " + FORMS);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(role + " '" + text + "': port must be 1-65535");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            // Brackets only delimit an IPv6 address inside a URI; sockets and certificate checks want it bare.
            host = host.substring(1, host.length() - 1);
        }
        String user = uri.getUserInfo();
        return new RedisUri(lower.startsWith("rediss://"), user == null || user.isEmpty() ? null : user, host, port);
    }

    /** The URI again, normalised (explicit port, IPv6 in brackets); it never held a password. */
    String text() {
        return (tls ? "rediss://" : "redis://") + (user != null ? user + "@" : "")
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The password for a URI: the content of {@code file} (it wins: it was named on this very command
     * line, the environment may be left over from another task) without its trailing line break, else
     * the environment variable {@code variable}. Read each time a connection authenticates, so it lives
     * in no field and a rotated secret is picked up on reconnect. Null when neither is set: no AUTH.
     *
     * @param fileOption  the option that named {@code file}, for messages
     * @param environment how to read an environment variable ({@code System::getenv}; tests replace it)
     * @throws UncheckedIOException at once when {@code file} is not a readable file, later when reading it fails
     */
    static Supplier<String> password(Path file, String fileOption, String variable, Function<String, String> environment) {
        if (file != null) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new UncheckedIOException(new IOException("cannot read " + fileOption + " " + file + ": "
                        + (Files.isDirectory(file) ? "it is a directory" : Files.exists(file) ? "permission denied" : "no such file")));
            }
            return () -> {
                String content;
                try {
                    content = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException("cannot read " + fileOption + " " + file + ": " + reason(e), e));
                }
                // Only the line break an editor or `echo` adds: spaces may belong to the password.
                content = content.replaceFirst("[\r\n]+\\z", "");
                if (content.isEmpty()) {
                    throw new IllegalArgumentException(fileOption + " " + file + " is empty; it must hold the password");
                }
                return content;
            };
        }
        String value = environment.apply(variable);
        if (value == null || value.isEmpty()) {
            return null;
        }
        // Read again when needed rather than captured: the value then sits in no object at all.
        return () -> environment.apply(variable);
    }

    /** What went wrong with a file, in words: the JDK's messages for these are just the path. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        } else if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage();
    }
}
