/** {@code migrate rdb}: inspect, dump and time-scan RDB files. */
package io.slotferry.cli.rdb;
