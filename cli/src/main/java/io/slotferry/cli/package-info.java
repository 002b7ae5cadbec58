/** The {@code migrate} command line: picocli commands and the mapping of failures to exit codes. */
package io.slotferry.cli;
