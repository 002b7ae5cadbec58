package io.slotferry.source;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One {@code --source} as the operator wrote it. Today: {@code rdb:PATH} (a snapshot file, plain or
 * gzip/bzip2/xz) and {@code redis://} / {@code rediss://} live instances. The discovery forms
 * ({@code twemproxy:}, {@code codis:}, {@code scan:}) are recognized so the error says what this build
 * can do instead.
 */
public sealed interface SourceSpec {

    /** A human name for logs and status (never a password). */
    String name();

    /** An RDB file ({@code -} is standard input). */
    record RdbFile(String file) implements SourceSpec {
        @Override
        public String name() {
            return "rdb:" + file;
        }

        public Path path() {
            return Path.of(file);
        }
    }

    /**
     * A live instance, replicated as a replica: snapshot, then its command stream.
     *
     * @param name     the URI as written, without credentials
     * @param endpoint where and how to connect (TLS, user, password supplier)
     */
    record Live(String name, io.slotferry.resp.RedisEndpoint endpoint) implements SourceSpec {
    }

    /**
     * Parses one {@code --source} value that needs no credentials ({@code redis://} and
     * {@code rediss://} sources are built by the CLI, which holds the secrets, as {@link Live}).
     *
     * @throws IllegalArgumentException with the accepted forms when {@code text} is none of them
     */
    static SourceSpec parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rdb:")) {
            String file = text.substring(4);
            if (file.isEmpty()) {
                throw new IllegalArgumentException("rdb: needs a file, e.g. rdb:/backups/dump.rdb or rdb:- for standard input");
            }
            return new RdbFile(file);
        }
        for (String live : new String[] {"twemproxy:", "codis:", "scan:"}) {
            if (lower.startsWith(live)) {
                throw new IllegalArgumentException("source '" + SourceSpecs.redact(text) + "': live sources (" + live
                        + "...) are not loaded by this build of 'migrate run' yet; take a snapshot with"
                        + " 'migrate rdb fetch SOURCE FILE' and load it with --source rdb:FILE");
            }
        }
        throw new IllegalArgumentException("source '" + SourceSpecs.redact(text)
                + "' is not understood: use redis://[user@]host:port, rediss://..., or rdb:PATH (an RDB file, plain or .gz/.bz2/.xz)");
    }
}
