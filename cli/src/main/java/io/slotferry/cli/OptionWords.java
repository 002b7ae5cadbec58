package io.slotferry.cli;

import io.slotferry.load.LoadMode;
import io.slotferry.load.OnExisting;
import io.slotferry.replay.CrossSlotScripts;
import io.slotferry.replay.FlushPolicy;
import io.slotferry.replication.scan.ScanFollow;
import io.slotferry.source.SyncFrom;
import io.slotferry.verify.VerifyMode;
import io.slotferry.write.DataErrorPolicy;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Enum-valued options as operators write them: each constant as a word in lower case with '-' for '_'
 * ({@code DELETE_OWN_KEYS} is {@code delete-own-keys}), in any case. A word that is none of them is refused
 * while the command line is parsed, naming the option and the valid words:
 * {@code Invalid value for option '--flush': 'wipe' is not one of stop, delete-own-keys, ignore}.
 */
final class OptionWords<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
    private final Class<E> type;

    private OptionWords(Class<E> type) {
        this.type = type;
    }

    /** Registers the words of every enum an option of the commands takes (on {@code line} and its subcommands). */
    static void register(CommandLine line) {
        register(line, FlushPolicy.class);
        register(line, CrossSlotScripts.class);
        register(line, LoadMode.class);
        register(line, DataErrorPolicy.class);
        register(line, OnExisting.class);
        register(line, SyncFrom.class);
        register(line, ScanFollow.class);
        register(line, OnOff.class);
        register(line, VerifyMode.class);
    }

    private static <T extends Enum<T>> void register(CommandLine line, Class<T> type) {
        line.registerConverter(type, new OptionWords<>(type));
    }

    /** The word of a constant. */
    static String word(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public E convert(String value) {
        for (E constant : type.getEnumConstants()) {
            if (word(constant).equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(OptionWords::word).collect(Collectors.joining(", ")));
    }
}
