package io.slotferry.cli;

/** The value of a switch that is on by default and can be turned off ({@code --exactly-once on|off}). */
enum OnOff {
    ON,
    OFF
}
