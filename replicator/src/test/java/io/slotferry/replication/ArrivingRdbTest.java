package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot read while the receiver writes it ({@link ArrivingRdb} over {@link Spool}). */
class ArrivingRdbTest {
    private static final ReplicationId REPLID = new ReplicationId("0123456789012345678901234567890123456789");

    @TempDir
    Path dir;

    @Test
    void aReaderFollowsTheWriterAndEndsWhereTheTransferEnds() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 1 << 16);
        byte[] rdb = new byte[300_000];
        new Random(15).nextBytes(rdb);
        Path file = spool.beginFullSync();
        OutputStream out = spool.snapshotOutput(REPLID, 42, file);
        assertNull(spool.arrivingSnapshot(), "published with its first written bytes, not before");
        out.write(rdb, 0, 1000);
        Spool.Snapshot s = spool.arrivingSnapshot();
        assertEquals(42, s.offset());
        assertNull(spool.snapshot(), "not complete yet");
        ArrivingRdb bytes = new ArrivingRdb(spool, s);
        assertEquals(-1, bytes.length(), "unknown while it arrives");
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readAll(bytes));
        for (int at = 1000; at < rdb.length; at += 7_001) { // the reader waits between the writes
            out.write(rdb, at, Math.min(7_001, rdb.length - at));
            Thread.sleep(1);
        }
        out.close();
        spool.snapshotReceived(REPLID, 42, file, rdb.length);
        assertArrayEquals(rdb, read.get(10, TimeUnit.SECONDS));
        assertEquals(rdb.length, bytes.length());
        assertSame(s, spool.snapshot(), "the snapshot read while it arrived is the one completed");
        spool.close();
    }

    @Test
    void aNewFullSyncMidTransferSupersedesTheSnapshotBeingRead() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 1 << 16);
        OutputStream out = transferStarted(spool, 5000);
        try (InputStream in = new ArrivingRdb(spool, spool.arrivingSnapshot()).open()) {
            assertEquals(5000, in.readNBytes(5000).length, "what was written is readable");
            spool.beginFullSync(); // the link broke; the master sends a new snapshot
            assertThrows(SnapshotSupersededException.class, in::read);
        }
        out.close();
        spool.close();
    }

    @Test
    void aReceiverFailureEndsTheWaitWithItsCause() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 1 << 16);
        OutputStream out = transferStarted(spool, 10);
        try (InputStream in = new ArrivingRdb(spool, spool.arrivingSnapshot()).open()) {
            in.readNBytes(10);
            spool.fail(new ReplicationException("the disk is full"));
            ReplicationException e = assertThrows(ReplicationException.class, in::read);
            assertEquals("the disk is full", e.getMessage());
        }
        out.close();
        spool.close();
    }

    /** A full sync whose first {@code bytes} (zeros) are written; the output to write the rest. */
    private static OutputStream transferStarted(Spool spool, int bytes) throws java.io.IOException {
        OutputStream out = spool.snapshotOutput(REPLID, 7, spool.beginFullSync());
        out.write(new byte[bytes], 0, bytes);
        return out;
    }

    private static byte[] readAll(ArrivingRdb bytes) {
        try (InputStream in = bytes.open()) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                all.write(buf, 0, n);
            }
            return all.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
