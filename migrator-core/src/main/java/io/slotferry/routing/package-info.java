/** Where a key goes in a Redis Cluster: CRC16 and hash tags to a slot, slots to a primary. */
package io.slotferry.routing;
