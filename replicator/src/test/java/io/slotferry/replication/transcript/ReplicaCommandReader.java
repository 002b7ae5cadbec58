package io.slotferry.replication.transcript;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the commands a replica sends to its master, in either form a master accepts: RESP arrays of
 * bulk strings ({@code *2\r\n$4\r\nPING\r\n...}) or inline commands ({@code PING\r\n}), which real
 * 2.8-6.x replicas use for their handshake.
 */
final class ReplicaCommandReader {
    /** One parsed command: its arguments and whether it was inline. */
    record Parsed(List<byte[]> argv, boolean inline) {
    }

    // Far above anything a replica sends; only there so garbage cannot make the master allocate gigabytes.
    private static final int MAX_BULK = 1 << 20;

    private final InputStream in;

    ReplicaCommandReader(InputStream in) {
        this.in = in;
    }

    /** The next command, or null at the end of the connection. Blank inline lines are skipped, as masters do. */
    Parsed next() throws IOException {
        while (true) {
            byte[] line = readLine();
            if (line == null) {
                return null;
            }
            if (line.length > 0 && line[0] == '*') {
                int count = parseLength(line, "array");
                List<byte[]> argv = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    byte[] header = readLine();
                    if (header == null || header.length == 0 || header[0] != '$') {
                        throw new ProtocolException("expected a bulk string header, got "
                                + (header == null ? "the end of the connection" : new String(header, ISO_8859_1)));
                    }
                    int length = parseLength(header, "bulk string");
                    byte[] arg = in.readNBytes(length + 2);
                    if (arg.length < length + 2) {
                        throw new EOFException("connection ended inside a bulk string");
                    }
                    argv.add(Arrays.copyOf(arg, length));
                }
                return new Parsed(List.copyOf(argv), false);
            }
            List<byte[]> argv = new ArrayList<>();
            for (String word : new String(line, ISO_8859_1).trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    argv.add(word.getBytes(ISO_8859_1));
                }
            }
            if (!argv.isEmpty()) {
                return new Parsed(List.copyOf(argv), true);
            }
        }
    }

    private static int parseLength(byte[] line, String what) throws ProtocolException {
        try {
            int n = Integer.parseInt(new String(line, 1, line.length - 1, ISO_8859_1));
            if (n < 0 || n > MAX_BULK) {
                throw new ProtocolException("unacceptable " + what + " length " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed " + what + " header: " + new String(line, ISO_8859_1));
        }
    }

    /** A line without its {@code \r\n} (or bare {@code \n}); null at the end of the connection. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection ended inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
            }
            if (line.size() > MAX_BULK) {
                throw new ProtocolException("line longer than " + MAX_BULK + " bytes");
            }
            line.write(b);
        }
    }
}
