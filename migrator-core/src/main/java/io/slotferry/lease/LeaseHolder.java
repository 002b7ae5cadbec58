package io.slotferry.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Who holds a lease: a process, named by its host, its pid and its state directory. A process on the
 * same host with the same state directory is the same migration started again (after a crash, say): it
 * may take over that holder's leases at once instead of waiting for them to expire.
 *
 * @param host     host name of the process (the pod name in Kubernetes)
 * @param pid      process id
 * @param stateDir absolute state directory
 */
public record LeaseHolder(String host, long pid, String stateDir) {

    /** This process, over {@code stateDir}. */
    public static LeaseHolder current(Path stateDir) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        return new LeaseHolder(host, ProcessHandle.current().pid(), stateDir.toAbsolutePath().normalize().toString());
    }

    /** What is stored in a lease key: {@code host=H state=DIR pid=N}. */
    public String value() {
        return takeoverPrefix() + pid;
    }

    /** The start of {@link #value()} shared by every process of the same host and state directory. */
    public String takeoverPrefix() {
        return "host=" + host + " state=" + stateDir + " pid=";
    }

    /** A stable id of host and state directory (not the pid): a member of a shared freeze. */
    public String member() {
        return host + ":" + stateDir;
    }
}
