/** What a Redis command is (arity, flags, key positions, shard policy), from a table derived from real {@code COMMAND} output. */
package io.slotferry.command;
