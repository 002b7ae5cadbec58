package io.slotferry.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RespReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbTransferTest {
    private static final byte[] MARK = "0123456789abcdef0123456789abcdef01234567".getBytes(StandardCharsets.US_ASCII);

    /** Delivers at most a random 1..300 bytes per read, so the mark straddles reads. */
    private static InputStream trickle(byte[] data, long seed) {
        Random r = new Random(seed);
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + r.nextInt(300)));
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void disklessTransferEndsExactlyAtTheMarkAfterKeepalives() throws Exception {
        byte[] rdb = new byte[50_000];
        new Random(1).nextBytes(rdb);
        byte[] stream = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] wire = concat("\n\n\n$EOF:".getBytes(StandardCharsets.US_ASCII), MARK, "\r\n".getBytes(StandardCharsets.US_ASCII), rdb, MARK, stream);
        for (long seed = 0; seed < 30; seed++) {
            ByteArrayOutputStream spool = new ByteArrayOutputStream();
            RespReader reader = new RespReader(trickle(wire, seed), 4096);
            RdbTransfer.Received r = RdbTransfer.receive(reader, spool);
            assertTrue(r.diskless());
            assertArrayEquals(rdb, spool.toByteArray());
            assertEquals(rdb.length, r.length());
            // Bytes after the mark belong to the stream: those read with the mark, then the rest.
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.writeBytes(r.afterMark());
            byte[] b = new byte[64];
            int n;
            while ((n = reader.read(b, 0, b.length)) > 0) {
                rest.write(b, 0, n);
            }
            assertArrayEquals(stream, rest.toByteArray());
        }
    }

    @Test
    void aDisklessRdbFullOfMarkCharactersAndNearMissesEndsOnlyAtTheWholeMark() throws Exception {
        Random random = new Random(15);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < 2_000; i++) {
            // hex text like the mark's, and every proper prefix and suffix of the mark
            int cut = 1 + random.nextInt(MARK.length - 1);
            content.write(MARK, 0, cut);
            content.write('-');
            content.write(MARK, MARK.length - cut, cut);
            content.write('-');
            for (int j = random.nextInt(50); j > 0; j--) {
                content.write("0123456789abcdef".charAt(random.nextInt(16)));
            }
        }
        byte[] rdb = content.toByteArray();
        byte[] wire = concat("$EOF:".getBytes(StandardCharsets.US_ASCII), MARK, "\r\n".getBytes(StandardCharsets.US_ASCII), rdb, MARK);
        for (long seed = 0; seed < 10; seed++) {
            ByteArrayOutputStream spool = new ByteArrayOutputStream();
            RdbTransfer.Received r = RdbTransfer.receive(new RespReader(trickle(wire, seed), 4096), spool);
            assertArrayEquals(rdb, spool.toByteArray());
            assertEquals(0, r.afterMark().length);
        }
    }

    @Test
    void diskTransferReadsExactlyItsLength() throws Exception {
        byte[] rdb = "REDIS0009...payload...".getBytes(StandardCharsets.US_ASCII);
        byte[] wire = concat(("\n$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII), rdb, "*1\r\n".getBytes(StandardCharsets.US_ASCII));
        RespReader reader = new RespReader(new ByteArrayInputStream(wire), 8);
        ByteArrayOutputStream spool = new ByteArrayOutputStream();
        RdbTransfer.Received r = RdbTransfer.receive(reader, spool);
        assertArrayEquals(rdb, spool.toByteArray());
        assertEquals('*', reader.readByte(), "the stream starts right after the payload");
        assertTrue(!r.diskless());
    }

    @Test
    void aTruncatedTransferIsAnEndOfStreamNotASilentShortFile() {
        byte[] wire = "$100\r\nonly-a-few-bytes".getBytes(StandardCharsets.US_ASCII);
        assertThrows(EOFException.class, () -> RdbTransfer.receive(new RespReader(new ByteArrayInputStream(wire), 64), new ByteArrayOutputStream()));
        byte[] noMark = concat("$EOF:".getBytes(StandardCharsets.US_ASCII), MARK, "\r\nabc".getBytes(StandardCharsets.US_ASCII));
        assertThrows(EOFException.class, () -> RdbTransfer.receive(new RespReader(new ByteArrayInputStream(noMark), 64), new ByteArrayOutputStream()));
    }
}
