package io.slotferry.filter;

/**
 * Redis' glob matching ({@code stringmatchlen} of util.c, case-sensitive), ported byte for byte so a pattern
 * selects here exactly the keys {@code KEYS}/{@code SCAN MATCH} select on the server: an unterminated class
 * ends at the pattern's end, a trailing {@code \} is a literal, and more than 1000 nested {@code *} never match
 * (Redis' protection against abusive patterns). Class ranges compare bytes as C {@code char}, which is signed
 * on x86-64 builds of Redis: {@link #matches}.
 */
final class StringMatch {
    private static final int MAX_NESTING = 1000;

    private StringMatch() {
    }

    /**
     * Whether {@code key} matches {@code pattern}. Class ranges compare bytes as signed values, as Redis built
     * for x86-64 does: {@code [a-\xff]} is the range from -1 to 'a'. (An ARM build, whose {@code char} is
     * unsigned, differs only for ranges with a byte of 0x80 or more.)
     */
    static boolean matches(byte[] pattern, byte[] key) {
        return match(pattern, 0, key, 0, new boolean[1], 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean[] skipLonger, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        int plen = p.length - pi;
        int slen = s.length - si;
        while (plen > 0 && slen > 0) {
            switch (p[pi]) {
                case '*' -> {
                    while (plen > 1 && p[pi + 1] == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(p, pi + 1, s, si, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> {
                    si++;
                    slen--;
                }
                case '[' -> {
                    pi++;
                    plen--;
                    boolean not = plen > 0 && p[pi] == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (plen >= 2 && p[pi] == '\\') {
                            pi++;
                            plen--;
                            if (p[pi] == s[si]) {
                                match = true;
                            }
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (p[pi] == ']') {
                            break;
                        } else if (plen >= 3 && p[pi + 1] == '-') {
                            int start = p[pi];
                            int end = p[pi + 2];
                            int c = s[si];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (p[pi] == s[si]) {
                            match = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                default -> {
                    if (p[pi] == '\\' && plen >= 2) {
                        pi++;
                        plen--;
                    }
                    if (p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                    slen--;
                }
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (plen > 0 && p[pi] == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
