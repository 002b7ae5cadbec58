package io.slotferry.cli;

import io.slotferry.load.LoadMode;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.checkpoint.CheckpointException;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.migration.Migration;
import io.slotferry.migration.RunOptions;
import io.slotferry.migration.Target;
import io.slotferry.migration.Worker;
import io.slotferry.source.Fleet;
import io.slotferry.replay.CrossSlotScripts;
import io.slotferry.replay.FlushPolicy;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.translate.DbMapping;
import io.slotferry.source.Keyspace;
import io.slotferry.source.SourceSpec;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.WriterOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code migrate run}: copy every source into the target; one worker per source. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Copy every SOURCE instance into the target, live, until stopped.",
            "",
            "Into the target cluster (or standalone server): one worker per",
            "instance loads its snapshot, then applies its command stream until stopped. Every second the",
            "status (phase, progress, lag in bytes and seconds, ready_for_cutover) is printed, written to",
            "--status-file and served at --metrics-port; checkpoints go to --state-dir.",
            "",
            "Keys go as RESTORE (one command per key, TTL as an absolute time) when the",
            "target accepts the source's encoding, and as native commands (RPUSH, HSET,",
            "SADD, ZADD, XADD ...) otherwise, for values over --big-value-bytes, or with",
            "--load-mode rewrite. Keys already expired are skipped and counted. A cluster has",
            "db 0 only: a live source with keys in other databases is refused until --db-map",
            "says where they go (files: other databases are skipped and counted).",
            "Progress goes to stderr every --progress-interval, the summary to stdout.",
            "Before a run: 'migrate plan' (the same options); during it: 'migrate status';",
            "after it: 'migrate verify'. docs/running.md explains restarts and cutover.",
            "",
            "Examples:",
            "  MIGRATE_TARGET_PASSWORD=... migrate run --source twemproxy:/etc/nutcracker.yml \\",
            "    --target rediss://slotferry@clustercfg.my-cache.example.com:6379 \\",
            "    --target-cacert /etc/ssl/certs/AmazonRootCA1.pem --status-file status.json",
            "  MIGRATE_TARGET_PASSWORD=... migrate run --source rdb:/backups/dump.rdb \\",
            "    --target rediss://slotferry@clustercfg.my-cache.example.com:6379 \\",
            "    --target-cacert /etc/ssl/certs/AmazonRootCA1.pem",
            "  migrate run --source rdb:shard1.rdb.gz --source rdb:shard2.rdb.gz \\",
            "    --target redis://10.0.0.5:6379 --load-mode rewrite --max-ops 20000",
            ""},
        footer = {"", "Exit codes:",
            "  0  every key acknowledged (files), or stopped on request with checkpoints written (live sources)",
            "  1  keys failed, a worker stopped, or the fleet is not safe to start from (the message on stderr says why)",
            "  2  invalid command line",
            "  3  a malformed RDB file (the message gives the byte offset)",
            "  4  an input/output or connection error"})
public final class RunCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--source", required = true, paramLabel = "SRC",
            description = {"A source, repeatable. Live instances are replicated as a replica: snapshot, then the command",
                "stream until the run is stopped (Ctrl-C, SIGTERM: checkpoints are written; run again to resume).",
                "  redis://[user@]host:port, rediss://...   one instance",
                "  twemproxy:PATH/nutcracker.yml[#POOL]      every backend of every pool (or of POOL)",
                "  codis:http://DASHBOARD:PORT               the master (or a healthy replica) of every group",
                "  rdb:PATH                                  an RDB file, plain or .gz/.bz2/.xz (rdb:- reads stdin)",
                "Examples: --source twemproxy:/etc/nutcracker.yml   --source codis:http://10.0.0.9:18080"})
    List<String> sources;

    @Mixin
    SourceOptions sourceOptions;

    @Option(names = "--db-map", paramLabel = "MAP", defaultValue = "only:0",
            description = {"Where source databases go (a cluster has db 0 only): only:0 (default; other dbs are skipped",
                "and counted), prefix (key k of db N>0 becomes N:k; prefix:FORMAT sets the format, e.g. prefix:db%%d:),",
                "merge (every db into db 0; same names collide). Example: --db-map prefix"})
    String dbMap;

    @Option(names = "--flush", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a replicated FLUSHDB/FLUSHALL does: stop (default: the worker stops and says so),",
                "delete-own-keys (delete only this source's keys on the target), ignore (skip it with a warning).",
                "Example: --flush delete-own-keys"})
    String flush;

    @Option(names = "--cross-slot-scripts", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a replicated EVAL whose KEYS span slots does (a cluster runs a script on one shard):",
                "stop (default: the worker stops and names it) or emulate (run it on copies of its KEYS in one",
                "slot and copy them back; exact for scripts that touch only their declared KEYS).",
                "Example: --cross-slot-scripts emulate"})
    String crossSlotScripts;

    @Option(names = "--exactly-once", paramLabel = "on|off", defaultValue = "on", arity = "1",
            description = {"on (default): stream writes that must not be applied twice (INCR, RPUSH, RENAME, XADD ...) carry",
                "an applied mark (a key slotferry:applied:{TAG}:SOURCE per slot, expiring after a day), so a restart",
                "after a crash (kill -9) applies them exactly once; off: faster replay of such writes, but after a",
                "crash those of the last second may be applied twice (a clean stop is exact either way)."})
    String exactlyOnce;

    @Option(names = "--ttl-grace", paramLabel = "DURATION", defaultValue = "PT1H",
            description = {"Hold every expiry on the target this long past the source's while the migration runs, so the",
                "target never deletes a key before a lagging replay extends, removes or uses its TTL (the source's own",
                "expiry DELs still delete keys when the source does); 'migrate finish' makes every TTL exact. 0 writes",
                "exact TTLs (and keys can go missing when the replay lags behind a TTL). Default: ${DEFAULT-VALUE}."})
    Duration ttlGrace;

    @Option(names = "--forward-publish",
            description = "Send replicated PUBLISH messages to the target (default: dropped and counted).")
    boolean forwardPublish;

    @Mixin
    TargetOptions targetOptions;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "migrate-state",
            description = {"The run's checkpoints (one per source instance: phase, replication id, offsets) and working files.",
                "Running again with the same directory resumes each instance with a partial resync (PSYNC) instead",
                "of a new snapshot; a directory written for other sources or another target is refused.",
                "Default: ${DEFAULT-VALUE}. Example: --state-dir /var/lib/slotferry/run1"})
    Path stateDir;

    @Option(names = "--reopen-finished",
            description = {"Run over a state directory that 'migrate finish' closed (a second migration into the same",
                "target, e.g. after a rollback). Without it such a run is refused."})
    boolean reopenFinished;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = {"Replaced every second (atomically) with the run's status as JSON: per source phase, snapshot",
                "progress, offsets, lag in bytes and seconds, errors, and \"ready_for_cutover\". Example: --status-file s.json"})
    Path statusFile;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = {"Serve Prometheus metrics at http://127.0.0.1:PORT/metrics and the status JSON at /status",
                "and /ready, /live (on --metrics-bind: loopback by default). Default: off. Example: --metrics-port 9187"})
    int metricsPort;

    @Option(names = "--snapshot-only",
            description = "Stop each live source once its snapshot is loaded and checkpointed; a later run streams from there.")
    boolean snapshotOnly;

    @Option(names = "--keep-going",
            description = "A failed source does not stop the others (the run still exits 1 at the end).")
    boolean keepGoing;

    @Option(names = "--codis-freeze-migrations",
            description = {"Pause the Codis dashboards' slot actions for the run and resume them when it ends.",
                "Without it a run refuses to start while a slot migration is pending."})
    boolean codisFreeze;

    @Option(names = "--load-mode", paramLabel = "MODE", defaultValue = "restore",
            description = {"restore: RESTORE when the target accepts the value, native commands otherwise (default);",
                "rewrite: always native commands (slower; for targets that refuse RESTORE payloads).",
                "Example: --load-mode rewrite"})
    String loadMode;

    @Option(names = "--big-value-bytes", paramLabel = "BYTES", defaultValue = "8388608",
            description = {"Values whose RDB encoding is larger are written in chunks of native commands, so",
                "memory stays bounded and no single RESTORE blocks a shard for long. Default: ${DEFAULT-VALUE} (8 MiB)."})
    long bigValueBytes;

    @Option(names = "--on-data-error", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a key the target refuses (WRONGTYPE, BUSYKEY, OOM, a rejected payload) does:",
                "stop (default: the run stops and names the key) or skip (count it, log it, go on; exit 1 at the end).",
                "Example: --on-data-error skip"})
    String onDataError;

    @Option(names = "--max-ops", paramLabel = "N", defaultValue = "0",
            description = "Write at most N commands per second per source (0 = no limit). Example: --max-ops 50000")
    long maxOps;

    @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "0",
            description = "Write at most N bytes per second per source (0 = no limit). Example: --max-bytes 50000000")
    long maxBytes;

    @Option(names = "--max-in-flight-bytes", paramLabel = "N", defaultValue = "16777216",
            description = {"Memory bound of each source's writer: bytes of writes queued or sent but not yet",
                "acknowledged (encoded size plus object overhead). Default: ${DEFAULT-VALUE} (16 MiB)."})
    long maxInFlight;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "PT1S",
            description = {"How often the status is taken: progress lines (redrawn in place on a terminal), status file,",
                "metrics (ISO-8601). Default: ${DEFAULT-VALUE}"})
    Duration progressInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ReplayOptions replayOptions;
        try {
            replayOptions = ReplayOptions.defaults().withDbMapping(DbMapping.parse(dbMap)).withFlush(FlushPolicy.parse(flush))
                    .withForwardPublish(forwardPublish).withCrossSlotScripts(CrossSlotScripts.parse(crossSlotScripts))
                    .withExactlyOnce(onOff("--exactly-once", exactlyOnce))
                    .withTtlGrace(ttlGrace.toMillis());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Fleet fleet = deployment.select(discover(), spec);
        boolean dbMapChosen = spec.commandLine().getParseResult().hasMatchedOption("--db-map");
        for (SourceSpec s : fleet.sources()) {
            if (s instanceof SourceSpec.Live live && !dbMapChosen) {
                try {
                    refuseOtherDatabases(live);
                } catch (IOException e) {
                    if (!keepGoing) {
                        throw new IOException("source " + live.name() + ": cannot read its keyspace: " + e.getMessage(), e);
                    }
                    spec.commandLine().getErr().println("source " + live.name() + ": cannot read its keyspace (" + e.getMessage()
                            + "); --keep-going: its worker will report the failure, the others go on");
                }
            }
        }
        if (fleet.sources().size() > 1 && replayOptions.flush() == FlushPolicy.DELETE_OWN_KEYS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--flush delete-own-keys needs to know which keys each"
                    + " source owns; with several source instances that is not known (use it with one source)");
        }
        LoadMode mode = switch (loadMode.toLowerCase(Locale.ROOT)) {
            case "restore" -> LoadMode.RESTORE;
            case "rewrite" -> LoadMode.REWRITE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--load-mode must be restore or rewrite, not " + loadMode);
        };
        DataErrorPolicy policy = switch (onDataError.toLowerCase(Locale.ROOT)) {
            case "stop" -> DataErrorPolicy.STOP;
            case "skip" -> DataErrorPolicy.SKIP;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--on-data-error must be stop or skip, not " + onDataError);
        };
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        WriterOptions writerOptions = WriterOptions.defaults().withDataErrors(policy).withRateLimit(maxOps, maxBytes)
                .withMaxInFlightBytes(maxInFlight);
        StateDirectory state = StateDirectory.open(stateDir, new RunIdentity(fleet.names(), targetOptions.address()));
        if (state.finished().isPresent()) {
            if (!reopenFinished) {
                throw new CheckpointException("state directory " + stateDir + " belongs to a migration that 'migrate finish' ended at "
                        + state.finished().get().finishedAt() + ": the target may now be written by the application. Use a new"
                        + " --state-dir for a new migration, or pass --reopen-finished to resume this one");
            }
            state.reopen();
        }
        LoadOptions loadOptions = LoadOptions.defaults().withMode(mode).withBigValueBytes(bigValueBytes)
                .withDataErrorPolicy(policy).withPendingEntriesInMemory(LoadOptions.defaults().pendingEntriesInMemory(), stateDir);

        Target target;
        try {
            target = Target.probe(targetOptions.endpoint(), writerOptions);
        } catch (SSLHandshakeException e) {
            throw new IOException("TLS handshake with the target " + targetOptions.describe() + " failed: " + e.getMessage()
                    + " (does --target-cacert name the CA that signed the target's certificate?)", e);
        }
        err.println("target " + targetOptions.describe() + ": " + target.capabilities());
        err.println("sources: " + String.join(", ", fleet.names()));
        err.flush();

        RunOptions runOptions = RunOptions.defaults().withStatusFile(statusFile).withMetricsPort(metricsPort)
                .withSnapshotOnly(snapshotOnly).withKeepGoing(keepGoing).withInterval(progressInterval)
                .withCodisFreeze(codisFreeze);
        runOptions = deployment.apply(runOptions, stateDir, err);
        Migration migration = new Migration(fleet, target, loadOptions, replayOptions.withDataErrors(policy), state, runOptions);
        Progress progress = new Progress(err, System.console() != null, 1);
        StopSignals.install(migration);
        List<Migration.Ending> endings = migration.run(progress::print);

        long failedKeys = 0;
        Throwable firstError = null;
        for (int i = 0; i < endings.size(); i++) {
            Migration.Ending e = endings.get(i);
            Worker w = migration.workers().get(i);
            LoadStats.Snapshot c = w.stats().snapshot();
            failedKeys += c.failed();
            if (e.failure() == null) {
                out.println(Progress.summary(e.source(), e.summary().counts()) + (w.phase() == Worker.Phase.STOPPED
                        ? "; stopped at offset " + w.appliedOffset() + " (checkpointed)" : ""));
            } else {
                out.println(Progress.summary(e.source(), c) + " - failed: " + e.failure().getMessage());
                if (firstError == null) {
                    firstError = e.failure(); // an Error too (OutOfMemoryError): never a silent exit 0
                }
            }
            for (String f : w.stats().recentFailures()) {
                err.println("  failed: " + f);
            }
        }
        out.flush();
        if (firstError instanceof Exception ex) {
            throw ex;
        }
        if (firstError != null) {
            throw new IllegalStateException("a worker failed: " + firstError, firstError);
        }
        return failedKeys == 0 ? 0 : 1;
    }

    private static boolean onOff(String option, String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "on":
                return true;
            case "off":
                return false;
            default:
                throw new IllegalArgumentException(option + " must be on or off, not " + value);
        }
    }

    private Fleet discover() throws IOException {
        try {
            return sourceOptions.discover(sources, Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** A cluster has db 0 only: keys elsewhere are skipped only when the operator said so. */
    private void refuseOtherDatabases(SourceSpec.Live live) throws IOException {
        Map<Integer, Long> keys = Keyspace.keysPerDb(live.endpoint(), Duration.ofSeconds(10));
        StringBuilder others = new StringBuilder();
        keys.forEach((db, n) -> {
            if (db != 0) {
                others.append(others.length() == 0 ? "" : ", ").append("db").append(db).append(": ").append(n).append(" keys");
            }
        });
        if (others.length() > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "source " + live.name() + " has keys outside db 0 ("
                    + others + ") and a cluster has db 0 only: choose --db-map only:0 (skip them, counted), --db-map prefix"
                    + " (db N key k becomes N:k) or --db-map merge (every db into db 0)");
        }
    }
}
