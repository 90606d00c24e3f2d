package io.kvasir.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Kernel builders for tests: loopback, ephemeral ports, everything under one temp dir. */
public final class TestKernels {

    private TestKernels() {
    }

    /** The bundles dir a {@link #builder} kernel installs from (created empty). */
    public static Path bundlesDir(Path root) {
        try {
            return Files.createDirectories(root.resolve("bundles"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Overrides for a node under {@code root}, plus {@code extra} key/value pairs. */
    public static Config overrides(Path root, Object... extra) {
        Map<String, Object> values = new HashMap<>();
        values.put("server.addr", "127.0.0.1:0");
        values.put("server.status-addr", "127.0.0.1:0");
        values.put("storage.data-dir", root.resolve("data").toString());
        values.put("kernel.bundles-dir", bundlesDir(root).toString());
        values.put("kernel.shutdown-timeout", "10s");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            values.put((String) extra[i], extra[i + 1]);
        }
        return ConfigFactory.parseMap(values, "test overrides");
    }

    public static Kernel.Builder builder(Path root, Object... extra) {
        return Kernel.builder().overrides(overrides(root, extra));
    }
}
