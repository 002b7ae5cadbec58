/** What a run reports every second: per-worker status, cutover readiness, Prometheus meters, the status file and HTTP endpoint. */
package io.slotferry.metrics;
