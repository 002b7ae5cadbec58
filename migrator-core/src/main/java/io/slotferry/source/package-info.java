/** Sources of a migration: what the operator named on the command line, one entry per source instance. */
package io.slotferry.source;
