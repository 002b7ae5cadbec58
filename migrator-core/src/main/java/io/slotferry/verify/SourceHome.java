package io.slotferry.verify;

import io.slotferry.translate.DbMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a target key may have come from: (source database, source key) pairs, reverse-mapped
 * through the database mapping. {@code prefix} gives two readings for a key like {@code 3:k} (db 3's
 * {@code k}, or db 0's {@code 3:k}); {@code merge} one per source database that holds keys.
 *
 * @param db  the source database
 * @param key the key as that database names it
 */
record SourceHome(int db, byte[] key) {

    static List<SourceHome> of(DbMapping mapping, byte[] targetKey, Set<Integer> sourceDbs) {
        List<SourceHome> out = new ArrayList<>(2);
        if (mapping instanceof DbMapping.Prefix p) {
            int db = p.sourceDb(targetKey);
            out.add(new SourceHome(db, p.sourceKey(targetKey)));
            if (db != 0) {
                out.add(new SourceHome(0, targetKey));
            }
        } else if (mapping instanceof DbMapping.Only o) {
            out.add(new SourceHome(o.db(), targetKey));
        } else {
            for (int db : sourceDbs) {
                out.add(new SourceHome(db, targetKey));
            }
            if (out.isEmpty()) {
                out.add(new SourceHome(0, targetKey));
            }
        }
        return out;
    }
}
