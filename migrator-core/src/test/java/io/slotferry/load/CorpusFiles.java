package io.slotferry.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shared RDB corpus ({@code ../shared/rdb-corpus}): generated files, each described by a JSON manifest. */
final class CorpusFiles {
    private CorpusFiles() {
    }

    static Path dir() {
        Path p = Path.of(System.getProperty("slotferry.shared.dir", "../../shared"), "rdb-corpus").toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("the shared RDB corpus is missing: expected " + p);
        }
        return p;
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    /** A manifest as JSON. */
    static JsonNode manifest(Path json) {
        try {
            return new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every RDB file a manifest describes (default, nocompress and psync variants, cluster and module files). */
    static List<Path> rdbFiles() {
        List<Path> files = new ArrayList<>();
        for (Path m : manifests()) {
            manifest(m).get("files").fieldNames().forEachRemaining(name -> files.add(m.resolveSibling(name)));
        }
        return files;
    }

    /** The manifests ({@code *.json}), sorted by name. */
    static List<Path> manifests() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
