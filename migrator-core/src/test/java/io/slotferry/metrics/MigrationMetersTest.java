package io.slotferry.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationMetersTest {

    @Test
    void whatEachKeyFilterLeftOutIsACounterPerSourcePhaseAndFilter() {
        MigrationMeters meters = new MigrationMeters(List.of("redis://a:1"));
        WorkerStatus w = new WorkerStatus("redis://a:1", "STREAMING", 1, 1, 100, 10, 0, -1, 5, 5, 5, 0, 0, true, 1, 0, 0, null,
                Map.of("applied", 7L, "filter:snapshot:include", 12L, "filter:stream:types", 3L));
        meters.update(new RunStatus("2026-12-07T12:00:00Z", true, 5, List.of(w), false));
        String text = meters.scrape();
        assertTrue(text.contains("slotferry_filtered_keys_total{filter=\"include\",phase=\"snapshot\",source=\"redis://a:1\"} 12.0"), text);
        assertTrue(text.contains("slotferry_filtered_keys_total{filter=\"types\",phase=\"stream\",source=\"redis://a:1\"} 3.0"), text);
        assertTrue(text.contains("slotferry_filtered_keys_total{filter=\"exclude\",phase=\"stream\",source=\"redis://a:1\"} 0.0"), text);
    }
}
