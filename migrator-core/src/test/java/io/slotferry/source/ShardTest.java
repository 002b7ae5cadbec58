package io.slotferry.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slotferry.resp.RedisEndpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {
    private static Fleet fleet(List<String> names) {
        List<SourceSpec> sources = new ArrayList<>();
        for (String n : names) {
            sources.add(new SourceSpec.Live(n, new RedisEndpoint("127.0.0.1", 6379, null, null, null)));
        }
        return new Fleet(sources, List.of());
    }

    private static List<String> names(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("twemproxy:alpha/shard" + i);
        }
        return out;
    }

    @Test
    void everyInstanceFallsInExactlyOneShard() {
        List<String> all = names(100);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<String> part = new InstanceSelection(List.of(), new Shard(i, 4)).select(fleet(all)).names();
            assertTrue(part.size() > 10, "a part of 100 instances in 4 is not starved: " + part.size());
            seen.addAll(part);
        }
        Collections.sort(seen);
        List<String> expected = new ArrayList<>(all);
        Collections.sort(expected);
        assertEquals(expected, seen);
    }

    @Test
    void thePartOfAnInstanceDependsOnItsNameOnlyNotOnTheOrderOrTheOtherInstances() {
        List<String> all = names(40);
        List<String> reversed = new ArrayList<>(all);
        Collections.reverse(reversed);
        List<String> fewer = all.subList(0, 25);
        for (String n : fewer) {
            int part = Shard.of(n, 3);
            Shard shard = new Shard(part, 3);
            assertTrue(new InstanceSelection(List.of(), shard).select(fleet(reversed)).names().contains(n), n);
            assertTrue(new InstanceSelection(List.of(), shard).select(fleet(fewer)).names().contains(n), n);
        }
        assertEquals(1, Shard.of("twemproxy:alpha/shard0", 2), "the documented hash: SHA-256, first 8 bytes, unsigned, mod N");
        assertEquals(0, Shard.of("twemproxy:alpha/shard2", 2));
    }

    @Test
    void instancesAreChosenByNameOrGlobAndAPatternThatMatchesNothingIsRefused() {
        Fleet f = fleet(List.of("codis:prod/group-1", "codis:prod/group-2", "codis:prod/group-10", "twemproxy:a/s0"));
        assertEquals(List.of("codis:prod/group-1", "codis:prod/group-10"),
                new InstanceSelection(List.of("codis:prod/group-1*"), null).select(f).names());
        assertEquals(List.of("codis:prod/group-1", "codis:prod/group-2", "twemproxy:a/s0"),
                new InstanceSelection(List.of("twemproxy:a/s0", "codis:prod/group-?"), null).select(f).names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InstanceSelection(List.of("codis:other/*"), null).select(f));
        assertTrue(e.getMessage().contains("matches none of the 4 instances"), e.getMessage());
    }

    @Test
    void aShardIsWrittenIOfNFromZero() {
        assertEquals(new Shard(2, 5), Shard.parse("2/5"));
        for (String bad : List.of("2", "5/5", "-1/3", "a/b", "1/0")) {
            assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
        }
    }
}
