package io.slotferry.write;

import java.util.ArrayDeque;

/**
 * The applied offset: the highest source offset such that every write carrying an offset up to it
 * is settled (acknowledged, or refused and counted). Writes are registered in offset order; they
 * settle in any order (different primaries answer at different speeds).
 */
final class AppliedOffsets {

    /** Writes of one offset still unsettled. */
    static final class Mark {
        final long offset;
        int unsettled;

        Mark(long offset) {
            this.offset = offset;
        }
    }

    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private long applied = -1;

    /** Registers a write carrying {@code offset} (never lower than the previous one). */
    synchronized Mark register(long offset) {
        Mark tail = marks.peekLast();
        if (tail != null && tail.offset == offset) {
            tail.unsettled++;
            return tail;
        }
        long last = tail != null ? tail.offset : applied;
        if (offset < last) {
            throw new IllegalArgumentException("write offsets must not decrease: " + offset + " after " + last);
        }
        Mark m = new Mark(offset);
        m.unsettled = 1;
        marks.addLast(m);
        return m;
    }

    /** One write of {@code mark} settled; advances the applied offset past every fully settled mark. */
    synchronized void settle(Mark mark) {
        mark.unsettled--;
        Mark head;
        while ((head = marks.peekFirst()) != null && head.unsettled == 0) {
            applied = head.offset;
            marks.pollFirst();
        }
    }

    synchronized long applied() {
        return applied;
    }
}
