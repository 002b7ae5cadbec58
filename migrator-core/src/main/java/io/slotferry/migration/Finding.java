package io.slotferry.migration;

/**
 * One result of {@code migrate plan}: how serious, about what, what was seen, and what to do.
 *
 * @param level   OK, WARN (the run works, but mind this) or FAIL (the run would fail or lose data)
 * @param subject the source instance, the target, or a Codis dashboard
 * @param what    what was checked and seen
 * @param todo    what to do about it ("" for OK)
 */
public record Finding(Level level, String subject, String what, String todo) {
    /** Severity. */
    public enum Level { OK, WARN, FAIL }

    static Finding ok(String subject, String what) {
        return new Finding(Level.OK, subject, what, "");
    }

    static Finding warn(String subject, String what, String todo) {
        return new Finding(Level.WARN, subject, what, todo);
    }

    static Finding fail(String subject, String what, String todo) {
        return new Finding(Level.FAIL, subject, what, todo);
    }
}
