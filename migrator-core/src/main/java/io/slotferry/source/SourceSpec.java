package io.slotferry.source;

import io.slotferry.replication.scan.ScanFollow;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One source instance: {@code rdb:PATH} (a snapshot file, plain or gzip/bzip2/xz) or a live instance
 * ({@code redis://}, {@code rediss://}, or one found by {@link Discovery} in a Twemproxy or Codis
 * deployment), or a live instance copied by {@code SCAN} + {@code DUMP} ({@code scan:redis://},
 * {@code scan:rediss://}) when its user may not replicate.
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
     * A live instance copied by {@code SCAN} + {@code DUMP}/{@code PTTL}, without {@code SYNC}/{@code PSYNC}: one walk
     * loaded as a snapshot, not exact under concurrent writes, and no command stream after it (docs/replication.md).
     *
     * @param name     {@code scan:} and the URI as written, without credentials
     * @param endpoint where and how to connect (TLS, user, password supplier)
     * @param follow   whether changes after the walk are followed ({@code --scan-notifications})
     */
    record Scan(String name, io.slotferry.resp.RedisEndpoint endpoint, ScanFollow follow) implements SourceSpec {
    }

    /**
     * Parses one {@code --source} value that needs no credentials ({@code redis://} and
     * {@code rediss://} sources are built by the CLI, which holds the secrets, as {@link Live}, and
     * {@code scan:redis://} ones as {@link Scan}).
     *
     * @throws IllegalArgumentException with the accepted forms when {@code text} is none of them
     */
    static SourceSpec parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rdb:")) {
            String file = text.substring(4);
            if (file.isEmpty()) {
                throw new IllegalArgumentException("--source rdb: needs a file, e.g. rdb:/backups/dump.rdb or rdb:- for standard input");
            }
            return new RdbFile(file);
        }
        throw new IllegalArgumentException("--source '" + SourceSpecs.redact(text) + "' is not understood: use"
                + " redis://[user@]host:port, rediss://..., twemproxy:PATH/nutcracker.yml[#POOL], codis:http://DASHBOARD:PORT,"
                + " scan:redis://[user@]host:port (SCAN + DUMP, no SYNC), or rdb:PATH (an RDB file, plain or .gz/.bz2/.xz)");
    }
}
