/** Decoders for the compact blobs inside RDB values: LZF, ziplist, listpack, intset and zipmap. */
package io.slotferry.rdb.encoding;
