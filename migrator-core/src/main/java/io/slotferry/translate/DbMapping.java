package io.slotferry.translate;

import io.slotferry.load.KeyMapping;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the source's databases land in a cluster, which has database 0 only ({@code --db-map}).
 * The same mapping names snapshot keys and stream keys, and answers the reverse question (which
 * source database a target key came from) for FLUSHDB and SWAPDB.
 */
public sealed interface DbMapping extends KeyMapping {

    /** {@code only:N} (default {@code only:0}): keys of database N keep their names; other databases are skipped and counted. */
    record Only(int db) implements DbMapping {
        @Override
        public byte[] targetKey(int source, byte[] key) {
            return source == db ? key : null;
        }

        @Override
        public int sourceDb(byte[] targetKey) {
            return db;
        }

        @Override
        public String toString() {
            return "only:" + db;
        }
    }

    /**
     * {@code prefix[:FORMAT]}: database 0 keeps its names; key {@code k} of database N > 0 becomes
     * {@code FORMAT(N) + k}. FORMAT holds one {@code %d} and no braces, so a key's hash tag (the first
     * {@code {...}}) is the same before and after: keys the source grouped with a tag stay in one slot.
     */
    record Prefix(String format, byte[] before, byte[] after) implements DbMapping {
        public Prefix {
            if (format.indexOf("%d") < 0 || format.indexOf("%d") != format.lastIndexOf("%d")) {
                throw new IllegalArgumentException("--db-map: the prefix format needs exactly one %d, e.g. prefix:%d: or prefix:db%d:");
            }
            if (format.indexOf('{') >= 0 || format.indexOf('}') >= 0 || format.indexOf('*') >= 0
                    || format.indexOf('?') >= 0 || format.indexOf('[') >= 0 || format.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("--db-map: the prefix format must not contain { } * ? [ or \\ (hash tags and SCAN patterns): " + format);
            }
            if (format.equals("%d")) {
                throw new IllegalArgumentException("--db-map: the prefix format needs a separator after %d, e.g. %d:");
            }
        }

        public static Prefix of(String format) {
            int at = format.indexOf("%d");
            if (at < 0) {
                return new Prefix(format, null, null); // the constructor explains
            }
            return new Prefix(format, format.substring(0, at).getBytes(StandardCharsets.UTF_8),
                    format.substring(at + 2).getBytes(StandardCharsets.UTF_8));
        }

        /** The prefix of database {@code db} (empty for 0). */
        public byte[] prefix(int db) {
            if (db == 0) {
                return new byte[0];
            }
            return String.format(Locale.ROOT, format, db).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] targetKey(int db, byte[] key) {
            if (db == 0) {
                return key;
            }
            byte[] p = prefix(db);
            byte[] out = Arrays.copyOf(p, p.length + key.length);
            System.arraycopy(key, 0, out, p.length, key.length);
            return out;
        }

        @Override
        public int sourceDb(byte[] targetKey) {
            int end = prefixLength(targetKey);
            if (end < 0) {
                return 0;
            }
            return Integer.parseInt(new String(targetKey, before.length, end - before.length - after.length, StandardCharsets.US_ASCII));
        }

        /** The key as the source knows it. */
        public byte[] sourceKey(byte[] targetKey) {
            int end = prefixLength(targetKey);
            return end < 0 ? targetKey : Arrays.copyOfRange(targetKey, end, targetKey.length);
        }

        /** Length of the database prefix {@code targetKey} starts with, or -1 (a database 0 key). */
        private int prefixLength(byte[] k) {
            if (!startsWith(k, before, 0)) {
                return -1;
            }
            int i = before.length;
            int digits = i;
            while (i < k.length && k[i] >= '0' && k[i] <= '9' && i - digits < 10) {
                i++;
            }
            if (i == digits || k[digits] == '0' || !startsWith(k, after, i)) {
                return -1;
            }
            return i + after.length;
        }

        private static boolean startsWith(byte[] k, byte[] part, int at) {
            if (k.length < at + part.length) {
                return false;
            }
            for (int j = 0; j < part.length; j++) {
                if (k[at + j] != part[j]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "prefix:" + format;
        }
    }

    /** {@code merge}: every database into database 0 under its own name; a name used in two databases collides. */
    record Merge() implements DbMapping {
        @Override
        public byte[] targetKey(int db, byte[] key) {
            return key;
        }

        @Override
        public int sourceDb(byte[] targetKey) {
            return -1;
        }

        @Override
        public String toString() {
            return "merge";
        }
    }

    /** The source database a target key came from; -1 when the mapping cannot tell ({@link Merge}). */
    int sourceDb(byte[] targetKey);

    /** The default: database 0 only. */
    static DbMapping defaults() {
        return new Only(0);
    }

    /**
     * Parses {@code --db-map}: {@code only:N}, {@code prefix} (format {@code %d:}), {@code prefix:FORMAT}, {@code merge}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static DbMapping parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("only:")) {
            try {
                int db = Integer.parseInt(text.substring(5));
                if (db >= 0) {
                    return new Only(db);
                }
            } catch (NumberFormatException e) {
                // falls through to the message
            }
            throw new IllegalArgumentException("--db-map only:N needs a database number, e.g. only:0");
        }
        if (lower.equals("prefix")) {
            return Prefix.of("%d:");
        }
        if (lower.startsWith("prefix:")) {
            return Prefix.of(text.substring(7));
        }
        if (lower.equals("merge")) {
            return new Merge();
        }
        throw new IllegalArgumentException("--db-map '" + text + "' is not understood: use only:0 (default), prefix,"
                + " prefix:FORMAT (e.g. prefix:db%d:), or merge");
    }
}
