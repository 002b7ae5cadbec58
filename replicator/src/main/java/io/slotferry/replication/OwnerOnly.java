package io.slotferry.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Directories (0700) and files (0600) only their owner can read: a state directory holds the full
 * snapshot and the stream with its values. On a file system without POSIX permissions the calls
 * fall back to the defaults.
 */
public final class OwnerOnly {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates {@code dir} (and missing parents) as 0700; an existing one is left as it is. */
    public static Path directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            Files.createDirectories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
                Files.setPosixFilePermissions(dir, DIRECTORY); // the umask may have taken bits away, never added
            } else {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile (another thread): fine
        }
        return dir;
    }

    /** True when group or others may read, write or enter {@code path} (false where permissions are not POSIX). */
    public static boolean widerThanOwner(Path path) throws IOException {
        if (!POSIX) {
            return false;
        }
        Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(path));
        p.removeAll(DIRECTORY);
        return !p.isEmpty();
    }

    /** Opens {@code file} for writing, created (or truncated) as 0600. */
    public static FileChannel channel(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> set = new java.util.HashSet<>(java.util.Arrays.asList(options));
        set.add(StandardOpenOption.WRITE);
        if (!POSIX) {
            return FileChannel.open(file, set);
        }
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(FILE);
        FileChannel ch = FileChannel.open(file, set, attr);
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, FILE); // an older file created with wider bits
        }
        return ch;
    }

    /** A new output stream over {@code file}, created or truncated, 0600. */
    public static OutputStream outputStream(Path file) throws IOException {
        return Channels.newOutputStream(channel(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
    }
}
