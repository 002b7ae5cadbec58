package io.slotferry.cli;

import io.slotferry.load.LoadMode;
import io.slotferry.load.LoadOptions;
import io.slotferry.load.LoadStats;
import io.slotferry.load.OnExisting;
import io.slotferry.checkpoint.CheckpointException;
import io.slotferry.checkpoint.RunIdentity;
import io.slotferry.checkpoint.StateDirectory;
import io.slotferry.checkpoint.StateLock;
import io.slotferry.migration.FailureHint;
import io.slotferry.migration.Migration;
import io.slotferry.migration.RunOptions;
import io.slotferry.migration.Target;
import io.slotferry.migration.Worker;
import io.slotferry.resp.RedisEndpoint;
import io.slotferry.source.Fleet;
import io.slotferry.replay.CrossSlotScripts;
import io.slotferry.replay.FlushPolicy;
import io.slotferry.replay.ReplayOptions;
import io.slotferry.translate.DbMapping;
import io.slotferry.write.DataErrorPolicy;
import io.slotferry.write.WriterOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Mixin
    FleetOptions fleetOptions;

    @Option(names = "--db-map", paramLabel = "MAP", defaultValue = "only:0",
            description = {"Where source databases go (a cluster has db 0 only): only:0 (default; other dbs are skipped",
                "and counted), prefix (key k of db N>0 becomes N:k; prefix:FORMAT sets the format, e.g. prefix:db%%d:),",
                "merge (every db into db 0; same names collide). Example: --db-map prefix"})
    String dbMap;

    @Option(names = "--flush", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a replicated FLUSHDB/FLUSHALL does: stop (default: the worker stops and says so),",
                "delete-own-keys (delete only this source's keys on the target), ignore (skip it with a warning).",
                "Example: --flush delete-own-keys"})
    FlushPolicy flush;

    @Option(names = "--cross-slot-scripts", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a replicated EVAL whose KEYS span slots does (a cluster runs a script on one shard):",
                "stop (default: the worker stops and names it) or emulate (run it on copies of its KEYS in one",
                "slot and copy them back; exact for scripts that touch only their declared KEYS).",
                "Example: --cross-slot-scripts emulate"})
    CrossSlotScripts crossSlotScripts;

    @Option(names = "--exactly-once", paramLabel = "on|off", defaultValue = "on", arity = "1",
            description = {"on (default): stream writes that must not be applied twice (INCR, RPUSH, RENAME, XADD ...) carry",
                "an applied mark (a key slotferry:applied:{TAG}:SOURCE per slot, expiring after a day), so a restart",
                "after a crash (kill -9) applies them exactly once; off: faster replay of such writes, but after a",
                "crash those of the last second may be applied twice (a clean stop is exact either way)."})
    OnOff exactlyOnce;

    @Option(names = "--ttl-grace", paramLabel = "DURATION", defaultValue = "PT1H", converter = DurationText.OrZero.class,
            description = {"Hold every expiry on the target this long past the source's while the migration runs, so the",
                "target never deletes a key before a lagging replay extends, removes or uses its TTL (the source's own",
                "expiry DELs still delete keys when the source does); 'migrate finish' makes every TTL exact. 0 writes",
                "exact TTLs (and keys can go missing when the replay lags behind a TTL). Default: ${DEFAULT-VALUE}."})
    Duration ttlGrace;

    @Option(names = "--forward-publish",
            description = "Send replicated PUBLISH messages to the target (default: dropped and counted).")
    boolean forwardPublish;

    @Mixin
    FilterOptions filters;

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
    LoadMode loadMode;

    @Option(names = "--big-value-bytes", paramLabel = "BYTES", defaultValue = "8388608",
            description = {"Values whose RDB encoding is larger are written in chunks of native commands, so",
                "memory stays bounded and no single RESTORE blocks a shard for long. Default: ${DEFAULT-VALUE} (8 MiB)."})
    long bigValueBytes;

    @Option(names = "--on-existing", paramLabel = "POLICY", defaultValue = "fail",
            description = {"Keys the target holds when a run starts fresh (no checkpoint in --state-dir):",
                "fail (default: refuse to start and say how many; slotferry:* keys do not count),",
                "skip (RESTORE without REPLACE: existing keys are left alone and counted) or",
                "replace (overwrite keys of the same name). A restart with checkpoints is not checked.",
                "Example: --on-existing skip"})
    OnExisting onExisting;

    @Option(names = "--on-data-error", paramLabel = "POLICY", defaultValue = "stop",
            description = {"What a key the target refuses (WRONGTYPE, BUSYKEY, OOM, a rejected payload) does:",
                "stop (default: the run stops and names the key) or skip (count it, log it, go on; exit 1 at the end).",
                "Example: --on-data-error skip"})
    DataErrorPolicy onDataError;

    @Option(names = "--max-ops", paramLabel = "N", defaultValue = "0",
            description = "Write at most N commands per second per source (0 = no limit). Example: --max-ops 50000")
    long maxOps;

    @Option(names = "--max-bytes", paramLabel = "N", defaultValue = "0",
            description = {"Send at most N bytes per second per source to the target: the RESP of the writes on the wire",
                "(0 = no limit; redirects, probes and resends are not counted). Example: --max-bytes 50000000"})
    long maxBytes;

    @Option(names = "--max-in-flight-bytes", paramLabel = "N", defaultValue = "16777216",
            description = {"Memory bound of each source's writer: bytes of writes queued or sent but not yet",
                "acknowledged (encoded size plus object overhead); the stream replay holds back up to",
                "half as much more, to share applied marks per slot. With many sources in one process",
                "each is lowered to its share of half the heap (not below 1 MiB).",
                "Default: ${DEFAULT-VALUE} (16 MiB)."})
    long maxInFlight;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "1s",
            description = {"How often the status is taken: progress lines (redrawn in place on a terminal), status file,",
                "metrics (500ms, 1s, 2m or ISO-8601 like PT1S). Default: ${DEFAULT-VALUE}"})
    Duration progressInterval;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkRanges();
        ReplayOptions replayOptions;
        try {
            replayOptions = ReplayOptions.defaults().withDbMapping(DbMapping.parse(dbMap)).withFlush(flush)
                    .withForwardPublish(forwardPublish).withCrossSlotScripts(crossSlotScripts)
                    .withExactlyOnce(exactlyOnce == OnOff.ON)
                    .withTtlGrace(ttlGrace.toMillis());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LoadMode mode = loadMode;
        DataErrorPolicy policy = onDataError;
        OnExisting existing = onExisting;
        targetOptions.address(); // the target URI's mistakes before any connection
        RedisEndpoint targetEndpoint = targetOptions.endpoint();
        Fleet fleet = deployment.select(discover(), spec);
        if (fleet.sources().size() > 1 && replayOptions.flush() == FlushPolicy.DELETE_OWN_KEYS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--flush delete-own-keys needs to know which keys each"
                    + " source owns; with several source instances that is not known (use it with one source)");
        }
        StartChecks checks = new StartChecks(spec.commandLine());
        try {
            checks.refuseOverlaps(fleet, targetEndpoint);
        } catch (io.slotferry.source.DiscoveryException e) {
            throw e;
        } catch (IOException e) {
            throw withTargetHint(e);
        }
        if (!spec.commandLine().getParseResult().hasMatchedOption("--db-map")) {
            checks.refuseOtherDatabases(fleet, keepGoing);
        }
        PrintWriter err = spec.commandLine().getErr();
        WriterOptions writerOptions = WriterOptions.defaults().withDataErrors(policy).withRateLimit(maxOps, maxBytes)
                .withMaxInFlightBytes(maxInFlight);
        boolean existed = java.nio.file.Files.isDirectory(stateDir);
        try (StateLock lock = StateLock.acquire(stateDir)) {
            StateDirectory state = StateDirectory.open(stateDir, new RunIdentity(fleet.names(), targetOptions.address()));
            if (existed && state.widerThanOwner()) {
                err.println("WARNING: state directory " + stateDir + " may be read by other users (it holds the snapshot and"
                        + " the stream, values included): chmod 700 " + stateDir);
            }
            if (state.finished().isPresent()) {
                if (!reopenFinished) {
                    throw new CheckpointException("state directory " + stateDir + " belongs to a migration that 'migrate finish'"
                            + " ended at " + state.finished().get().finishedAt() + ": the target may now be written by the"
                            + " application. Use a new --state-dir for a new migration, or pass --reopen-finished to resume this one");
                }
                state.reopen();
            }
            try {
                checks.existingKeys(state, targetEndpoint, existing);
            } catch (io.slotferry.load.LoadException e) {
                throw e;
            } catch (IOException e) {
                throw withTargetHint(e);
            }
            LoadOptions loadOptions = LoadOptions.defaults().withMode(mode).withBigValueBytes(bigValueBytes)
                    .withDataErrorPolicy(policy).withPendingEntriesInMemory(LoadOptions.defaults().pendingEntriesInMemory(), stateDir)
                    .withReplaceExisting(existing != OnExisting.SKIP).withFilter(filters.filter(spec));
            return run(fleet, targetEndpoint, replayOptions, loadOptions, writerOptions, state);
        }
    }

    private Integer run(Fleet fleet, RedisEndpoint targetEndpoint, ReplayOptions replayOptions, LoadOptions loadOptions,
            WriterOptions writerOptions, StateDirectory state) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        DataErrorPolicy policy = loadOptions.onDataError();

        Target target;
        try {
            target = Target.probe(targetEndpoint, writerOptions);
        } catch (IOException e) {
            throw withTargetHint(e);
        }
        err.println("target " + targetOptions.describe() + ": " + target.capabilities());
        err.println("sources: " + String.join(", ", fleet.names()));
        if (loadOptions.filter().active()) {
            err.println("keys: " + loadOptions.filter().describe());
        }
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
                if (firstError == null || firstError instanceof InterruptedException && !(e.failure() instanceof InterruptedException)) {
                    firstError = e.failure(); // the cause, not a worker stopped because of it; an Error too: never a silent exit 0
                }
            }
            if (w.filter().active()) {
                out.println(Progress.filtered(e.source(), w.filter()));
            }
            for (String f : w.stats().recentFailures()) {
                err.println("  failed: " + f);
            }
        }
        out.flush();
        if (firstError instanceof Exception ex) {
            throw ex;
        }
        String nothing = firstError == null ? Progress.nothingCopied(migration.workers(), "--db-map " + dbMap) : null;
        if (nothing != null) {
            err.println(nothing);
            err.flush();
            return 1; // the run's own options left every key out: not a success
        }
        if (firstError instanceof OutOfMemoryError) {
            throw new IllegalStateException("a worker ran out of memory (" + firstError.getMessage() + ") with "
                    + migration.workers().size() + " source(s) in a " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB heap: give the JVM more (JAVA_OPTS=-Xmx...), or split the fleet over processes"
                    + " (--shard/--instances); the checkpoints are kept, run again to resume", firstError);
        }
        if (firstError != null) {
            throw new IllegalStateException("a worker failed: " + firstError, firstError);
        }
        return failedKeys == 0 ? 0 : 1;
    }

    /** Numbers out of range are a wrong command line, told before anything connects. */
    private void checkRanges() {
        OptionRange.check(spec, "--metrics-port", metricsPort, -1, 65535, "a TCP port, 0 for any free one, -1 for none");
        OptionRange.check(spec, "--big-value-bytes", bigValueBytes, 1, Long.MAX_VALUE, "bytes");
        OptionRange.check(spec, "--max-ops", maxOps, 0, Long.MAX_VALUE, "commands per second, 0 = no limit");
        OptionRange.check(spec, "--max-bytes", maxBytes, 0, Long.MAX_VALUE, "bytes per second, 0 = no limit");
        OptionRange.check(spec, "--max-in-flight-bytes", maxInFlight, 1024, Long.MAX_VALUE, "bytes");
        if (statusFile != null) {
            Path parent = statusFile.toAbsolutePath().getParent();
            String problem = java.nio.file.Files.isDirectory(statusFile) ? "is a directory"
                    : !java.nio.file.Files.isDirectory(parent) ? "its directory " + parent + " does not exist"
                    : !java.nio.file.Files.isWritable(parent) ? "its directory " + parent + " is not writable by this user" : null;
            if (problem != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--status-file': "
                        + statusFile + " " + problem);
            }
        }
    }

    /** The target's failure with what to do about its cause (password, host name, CA, slots), when that is known. */
    private IOException withTargetHint(IOException e) {
        String hint = FailureHint.knownTargetCause(e, TargetOptions.PASSWORD_ENV + " or --target-password-file");
        return hint == null ? e : new IOException("target " + targetOptions.describe() + ": " + e.getMessage() + " (" + hint + ")", e);
    }

    private Fleet discover() throws IOException {
        try {
            return fleetOptions.discover(Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
