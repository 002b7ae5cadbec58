package io.slotferry.rdb;

import java.io.IOException;

/**
 * Module-serialised data (MODULE_2 values and MODULE_AUX, RDB 9+) is a list of typed items, each
 * prefixed by an opcode: 1 signed int, 2 unsigned int (both as lengths), 3 float (4 bytes), 4
 * double (8 bytes), 5 string; 0 ends the list. That framing lets us skip any module's data.
 */
final class ModuleItems {
    private static final int EOF = 0;
    private static final int SINT = 1;
    private static final int UINT = 2;
    private static final int FLOAT = 3;
    private static final int DOUBLE = 4;
    private static final int STRING = 5;

    private ModuleItems() {
    }

    /** Reads the module id of a MODULE_2 value and skips its items. */
    static ModuleType skipValue(RdbInput in, RdbStrings strings) throws IOException {
        ModuleType module = ModuleType.fromId(strings.readUnsignedLength("a module type id"));
        skipItems(in, strings, module);
        return module;
    }

    static void skipItems(RdbInput in, RdbStrings strings, ModuleType module) throws IOException {
        String what = "an item of module " + module.name();
        while (true) {
            long opcode = strings.readLength(what);
            switch ((int) Math.min(opcode, Integer.MAX_VALUE)) {
                case EOF -> {
                    return;
                }
                case SINT, UINT -> strings.readUnsignedLength(what);
                case FLOAT -> in.skip(4, what);
                case DOUBLE -> in.skip(8, what);
                case STRING -> strings.skipString(what);
                default -> throw in.error("a module item opcode (0-5) of module " + module.name(), "but found " + opcode);
            }
        }
    }

    static RdbFormatException preGa(RdbInput in) {
        return in.error("a module value with item opcodes (RDB type 7)",
                "but found RDB type 6 (Redis 4.0 release candidates), whose module data cannot be skipped without the module");
    }
}
