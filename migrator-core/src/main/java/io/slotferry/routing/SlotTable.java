package io.slotferry.routing;

import io.slotferry.resp.RedisEndpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Which primary serves each of the 16384 slots: immutable, built whole from one topology reply and
 * replaced whole on refresh, so a writer never sees a half-updated map.
 */
public final class SlotTable {
    private final List<RedisEndpoint> primaries;
    private final short[] owner;

    private SlotTable(List<RedisEndpoint> primaries, short[] owner) {
        this.primaries = List.copyOf(primaries);
        this.owner = owner;
    }

    /** Builds the table; every slot must be covered. */
    static SlotTable of(List<RedisEndpoint> primaries, List<int[]> ranges, List<Integer> rangeOwner) throws TopologyException {
        short[] owner = new short[HashSlot.SLOTS];
        java.util.Arrays.fill(owner, (short) -1);
        for (int i = 0; i < ranges.size(); i++) {
            int[] r = ranges.get(i);
            if (r[0] < 0 || r[1] >= HashSlot.SLOTS || r[0] > r[1]) {
                throw new TopologyException("slot range " + r[0] + "-" + r[1] + " is outside 0-16383");
            }
            for (int s = r[0]; s <= r[1]; s++) {
                owner[s] = (short) (int) rangeOwner.get(i);
            }
        }
        List<String> uncovered = new ArrayList<>();
        for (int s = 0; s < HashSlot.SLOTS; s++) {
            if (owner[s] < 0) {
                int start = s;
                while (s + 1 < HashSlot.SLOTS && owner[s + 1] < 0) {
                    s++;
                }
                uncovered.add(start == s ? Integer.toString(start) : start + "-" + s);
            }
        }
        if (!uncovered.isEmpty()) {
            throw new TopologyException("the target cluster does not serve slots " + String.join(", ", uncovered)
                    + " (cluster_state not ok, or a node is down)");
        }
        return new SlotTable(primaries, owner);
    }

    /** A standalone server (cluster mode disabled): it serves every slot. */
    public static SlotTable single(RedisEndpoint server) {
        return new SlotTable(List.of(server), new short[HashSlot.SLOTS]);
    }

    /** The primary serving {@code slot}. */
    public RedisEndpoint primaryOf(int slot) {
        return primaries.get(owner[slot]);
    }

    /** The primary serving {@code key}. */
    public RedisEndpoint primaryFor(byte[] key) {
        return primaryOf(HashSlot.of(key));
    }

    /** Index of the primary serving {@code slot} in {@link #primaries()}. */
    public int primaryIndexOf(int slot) {
        return owner[slot];
    }

    public List<RedisEndpoint> primaries() {
        return primaries;
    }
}
