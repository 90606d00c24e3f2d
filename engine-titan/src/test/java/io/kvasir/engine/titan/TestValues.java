package io.kvasir.engine.titan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/** Deterministic keys and values for the titan tests: a value says which key and generation it belongs to. */
final class TestValues {

    private TestValues() {
    }

    static byte[] key(int k) {
        return String.format("key%05d", k).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} bytes derived from (seed, key, generation), so a reader can recompute what it should see. */
    static byte[] value(long seed, int k, long generation, int size) {
        byte[] value = new byte[size];
        new Random(seed * 1_000_003L + k * 7_919L + generation).nextBytes(value);
        return value;
    }

    /** Bytes of the regular files under {@code dir}: what the disk really holds. */
    static long diskBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    // Deleted while walking.
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
