package io.slotferry.replay;

/**
 * Which keys belong to one source, by the rule that routed them there (a Twemproxy pool's hash and
 * distribution, a Codis group's slots). A flush under {@link FlushPolicy#DELETE_OWN_KEYS} deletes only
 * the keys its source owns, so one backend's FLUSHDB never deletes its neighbours' keys.
 */
@FunctionalInterface
public interface KeyOwnership {
    /** True when {@code sourceKey} (the name as the source knows it) belongs to this source. */
    boolean owns(byte[] sourceKey);

    /** A run with a single source owns every key. */
    KeyOwnership ALL = key -> true;
}
