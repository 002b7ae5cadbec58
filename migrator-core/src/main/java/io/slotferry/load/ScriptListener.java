package io.slotferry.load;

/**
 * Told about the scripts a snapshot carries, which are not keys: the stream replayer needs the
 * {@code lua} AUX bodies to turn a later {@code EVALSHA} into {@code EVAL}, and function libraries
 * must exist on every target primary before an {@code FCALL} can run there.
 */
public interface ScriptListener {
    /** A cached script body ({@code lua} AUX field, Redis 4.0-6.2 snapshots). */
    default void luaScript(byte[] body) {
    }

    /** A function library's code ({@code FUNCTION LOAD} source, Redis 7.0+ snapshots). */
    default void functionLibrary(byte[] code) throws java.io.IOException {
    }

    /** Listens to nothing: scripts are only counted. */
    ScriptListener NONE = new ScriptListener() {
    };
}
