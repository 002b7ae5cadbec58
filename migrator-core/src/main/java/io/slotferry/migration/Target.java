package io.slotferry.migration;

import io.slotferry.load.TargetCapabilities;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.write.WriterOptions;
import java.io.IOException;

/**
 * The target of a migration: where to connect, how to write, and what the server can take
 * (read once, with {@code INFO server}, before any worker starts).
 */
public record Target(RedisEndpoint endpoint, WriterOptions writerOptions, TargetCapabilities capabilities) {

    /** Connects once to read the target's version and capabilities. */
    public static Target probe(RedisEndpoint endpoint, WriterOptions writerOptions) throws IOException {
        try (RedisConnection c = RedisConnection.open(endpoint, writerOptions.connectTimeout())) {
            return new Target(endpoint, writerOptions, TargetCapabilities.probe(c));
        }
    }
}
