package io.slotferry.replay;

import io.slotferry.command.CommandTable;
import io.slotferry.fixture.ClusterNode;
import io.slotferry.fixture.RedisClusterFixture;
import io.slotferry.load.TargetCapabilities;
import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.translate.ScriptCache;
import io.slotferry.write.ClusterWriter;
import io.slotferry.write.TargetNodes;
import io.slotferry.write.WriteListener;
import io.slotferry.write.WriterOptions;
import java.time.Duration;

/** A replayer over real target connections (the fixture cluster, as the ACL user), fed by hand. */
record TargetConnections(ClusterWriter writer, TargetNodes nodes, TargetCapabilities capabilities) implements AutoCloseable {
    static TargetConnections of(RedisClusterFixture cluster) throws Exception {
        ClusterNode seed = cluster.masters().get(0);
        String password = cluster.aclPassword();
        RedisEndpoint endpoint = new RedisEndpoint(seed.host(), seed.port(), cluster.sslSocketFactory(), cluster.aclUser(), () -> password);
        TargetCapabilities caps;
        try (RedisConnection c = RedisConnection.open(endpoint, Duration.ofSeconds(5))) {
            caps = TargetCapabilities.probe(c);
        }
        return new TargetConnections(ClusterWriter.open(endpoint, WriterOptions.defaults(), WriteListener.NONE),
                TargetNodes.open(endpoint, Duration.ofSeconds(5)), caps);
    }

    StreamReplayer replayer(ReplayOptions options) {
        return replayer(options, new ReplayStats());
    }

    StreamReplayer replayer(ReplayOptions options, ReplayStats stats) {
        return new StreamReplayer(CommandTable.load(), options, writer, nodes, capabilities, stats, new ScriptCache());
    }

    @Override
    public void close() {
        writer.close();
        nodes.close();
    }
}
