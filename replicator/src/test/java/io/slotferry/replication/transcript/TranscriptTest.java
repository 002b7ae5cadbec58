package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Checks that {@link Transcript} reads the manifests the way the captures' README defines them, so the
 * replay tests compare the replicator against the right numbers: slices, offsets, RDB contents.
 */
class TranscriptTest {

    @Test
    void everyFullCaptureIsListedButNeitherContinueCapturesNorReports() {
        List<String> names = Transcript.names();
        assertEquals(20, names.size(), names.toString()); // 18 version captures and 2 Codis migration captures
        assertTrue(names.contains("redis-2.8.24-sync-disk") && names.contains("codis-migration-group2"), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.endsWith("-continue") || n.equals("sanity-check")), names.toString());
        assertEquals(16, names.stream().filter(n -> Transcript.load(n).continueCapture().isPresent()).count());
    }

    @TestFactory
    Stream<DynamicTest> everyManifestAgreesWithItsBinAndItsRdb() {
        return Transcript.names().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Transcript capture = Transcript.load(name);
            byte[] bin = capture.readBin();
            List<Executable> checks = new ArrayList<>(offsetChecks(capture, bin));
            SnapshotKeys.Contents rdb = SnapshotKeys.read(capture, bin);
            checks.add(() -> assertEquals(capture.rdb().rdbVersion(), rdb.version(), "RDB version"));
            checks.add(() -> assertEquals(capture.rdb().sha256(), Transcript.sha256Hex(bin, (int) capture.rdb().payloadStart(),
                    (int) capture.rdb().length()), "RDB sha256"));
            checks.add(() -> assertFalse(rdb.keys().isEmpty(), "the RDB holds the seed keys"));
            SnapshotKeys.DatasetCheck dataset = SnapshotKeys.compareWithDataset(capture, rdb.keys());
            checks.add(() -> assertEquals(List.of(), dataset.mismatches()));
            // Most seed keys are never written again, so most must have been compared.
            checks.add(() -> assertTrue(dataset.checked() > rdb.keys().size() / 2, dataset.checked() + " of " + rdb.keys().size()));
            if (capture.continueCapture().isPresent()) {
                Transcript next = capture.continueCapture().get();
                checks.addAll(offsetChecks(next, next.readBin()));
                checks.add(() -> assertEquals(List.of("PSYNC", capture.syncReply().replid(),
                        Long.toString(capture.masterReplOffsetEnd() + 1)), next.resumedFrom().psyncSent()));
            }
            assertAll(name, checks.stream());
        }));
    }

    /** The sync reply sits where the manifest says; commands tile the stream; repl offsets add up. */
    private static List<Executable> offsetChecks(Transcript capture, byte[] bin) {
        List<Executable> checks = new ArrayList<>();
        String label = capture.name() + ": ";
        if (capture.syncReply().line() != null) {
            byte[] line = (capture.syncReply().line() + "\r\n").getBytes(ISO_8859_1);
            int at = (int) capture.syncReply().offsetInBin();
            checks.add(() -> assertTrue(Arrays.equals(line, Arrays.copyOfRange(bin, at, at + line.length)), label + "sync line"));
        }
        if (capture.isSync()) {
            // After the last +OK come only keep-alive newlines and the bulk header.
            checks.add(() -> assertEquals(capture.keepaliveNewlineOffsets().isEmpty() ? capture.rdb().bulkHeaderOffset()
                    : capture.keepaliveNewlineOffsets().get(0), capture.syncResponseStart(), label + "SYNC response start"));
        }
        List<Transcript.StreamCommand> commands = capture.streamCommands();
        checks.add(() -> assertEquals(capture.stream().commands(), commands.size(), label + "command count"));
        checks.add(() -> assertEquals(capture.stream().commands(),
                capture.stream().commandCounts().values().stream().mapToInt(Integer::intValue).sum(), label + "command_counts"));
        checks.add(() -> assertEquals(bin.length, capture.stream().end(), label + "stream end"));
        long expectedOff = capture.stream().start();
        long replOffset = capture.stream().initialReplOffset();
        for (Transcript.StreamCommand c : commands) {
            long off = expectedOff;
            long after = capture.isSync() ? -1 : replOffset + c.len();
            checks.add(() -> assertEquals(off, c.off(), label + "command at " + c.off()));
            checks.add(() -> assertEquals(after, c.replOffsetAfter(), label + "repl offset of the command at " + c.off()));
            checks.add(() -> assertEquals(c.argsTruncated() ? 8 : c.nargs(), c.args().size(), label + "args of " + c.off()));
            checks.add(() -> assertEquals((byte) '*', bin[(int) c.off()], label + "a RESP array at " + c.off()));
            expectedOff += c.len();
            replOffset += c.len();
        }
        long end = expectedOff;
        checks.add(() -> assertEquals(bin.length, end, label + "the commands end where the .bin ends"));
        if (!capture.isSync()) {
            long last = replOffset;
            checks.add(() -> assertEquals(capture.masterReplOffsetEnd(), last, label + "master_repl_offset_end"));
        }
        return checks;
    }
}
