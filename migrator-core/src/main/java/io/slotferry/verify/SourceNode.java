package io.slotferry.verify;

import io.slotferry.resp.RedisConnection;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.resp.RespValue;
import io.slotferry.resp.RespWriter;
import io.slotferry.source.Info;
import io.slotferry.source.SourceSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One connection to a source instance, under the per-source rate limit, remembering the selected
 * database. Every command sent counts as one operation, pipelined or not.
 */
final class SourceNode implements AutoCloseable, KeyReads {
    private final SourceSpec.Live spec;
    private final RedisConnection connection;
    private final SourceBudget budget;
    private int db;
    /** This instance's master, opened at the first repair when it is a replica; itself when it is a master. */
    private SourceNode master;

    private SourceNode(SourceSpec.Live spec, RedisConnection connection, SourceBudget budget) {
        this.spec = spec;
        this.connection = connection;
        this.budget = budget;
    }

    static SourceNode open(SourceSpec.Live spec, SourceBudget budget, Duration timeout) throws IOException {
        return new SourceNode(spec, RedisConnection.open(spec.endpoint(), timeout), budget);
    }

    String name() {
        return spec.name();
    }

    /** SELECT {@code n} unless it is already selected. */
    void select(int n) throws IOException, InterruptedException {
        if (n != db) {
            List<byte[]> argv = Request.of("SELECT", n);
            Reply.checked(call(argv), argv);
            db = n;
        }
    }

    int db() {
        return db;
    }

    /**
     * The master of this instance, with this node's database selected: itself, or (when {@code INFO
     * replication} says it is a replica) a connection of its own to its master, under the same budget.
     * {@code --repair} reads there: a replica may lack what its master holds (before Redis 6.0 it loses
     * the TTL of every INCRBYFLOAT), and the target must equal the master.
     */
    SourceNode master() throws IOException, InterruptedException {
        if (master == null) {
            List<byte[]> argv = Request.of("INFO", "replication");
            Map<String, String> info = Info.parse(Reply.text(call(argv), argv));
            if ("slave".equals(info.get("role")) && info.containsKey("master_host")) {
                RedisEndpoint at = spec.endpoint().at(info.get("master_host"), (int) Info.number(info, "master_port", 6379));
                master = open(new SourceSpec.Live(spec.name(), at), budget, Duration.ofSeconds(10));
            } else {
                master = this;
            }
        }
        master.select(db);
        return master;
    }

    /** Records that a pipeline just sent ended with {@code SELECT n}. */
    void assumeSelected(int n) {
        db = n;
    }

    @Override
    public RespValue call(List<byte[]> argv) throws IOException, InterruptedException {
        budget.take();
        return connection.call(argv);
    }

    /** Sends every command in one write and reads the replies in order. */
    List<RespValue> pipeline(List<List<byte[]>> commands) throws IOException, InterruptedException {
        send(commands);
        return receive(commands.size());
    }

    /** Sends every command in one write; {@link #receive} reads the replies (meanwhile other servers can be asked). */
    void send(List<List<byte[]>> commands) throws IOException, InterruptedException {
        List<byte[]> encoded = new ArrayList<>(commands.size());
        for (List<byte[]> c : commands) {
            budget.take();
            encoded.add(RespWriter.command(c));
        }
        connection.sendAll(encoded);
    }

    /** The next {@code n} replies, in order. */
    List<RespValue> receive(int n) throws IOException {
        List<RespValue> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            replies.add(connection.reader().read());
        }
        return replies;
    }

    @Override
    public void close() throws IOException {
        if (master != null && master != this) {
            master.close();
        }
        connection.close();
    }
}
