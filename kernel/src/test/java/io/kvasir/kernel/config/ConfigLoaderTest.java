package io.kvasir.kernel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.KernelStartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final Config KERNEL_REFERENCE = ConfigLoader.kernelReference(ConfigLoaderTest.class.getClassLoader());

    @TempDir
    Path dir;

    private Path nodeFile(String text) throws IOException {
        return Files.writeString(dir.resolve("node.conf"), text);
    }

    private static BundleReference bundle(String name, String text) {
        return new BundleReference(name, ConfigFactory.parseString(text));
    }

    @Test
    void overridesBeatFileBeatsKernelAndBundleDefaults() throws IOException {
        Path file = nodeFile("""
                server.addr = "10.0.0.1:1"
                storage.engine = lmdb
                engine-x.cache = file
                """);
        Config overrides = ConfigFactory.parseMap(Map.of("server.addr", "10.0.0.2:2"));
        List<BundleReference> bundles = List.of(bundle("x", "engine-x { cache = bundle, threads = 4 }"));

        Config config = ConfigLoader.create(overrides, file, KERNEL_REFERENCE).withBundles(bundles);

        assertEquals("10.0.0.2:2", config.getString("server.addr"));
        assertEquals("lmdb", config.getString("storage.engine"));
        assertEquals("file", config.getString("engine-x.cache"));
        assertEquals(4, config.getInt("engine-x.threads"));
        assertEquals("127.0.0.1:20180", config.getString("server.status-addr"));
    }

    @Test
    void kernelReferenceBeatsBundleReference() {
        List<BundleReference> bundles = List.of(bundle("x", "server.addr = \"1.2.3.4:5\""));
        Config config = ConfigLoader.create(ConfigFactory.empty(), null, KERNEL_REFERENCE).withBundles(bundles);
        assertEquals("127.0.0.1:20160", config.getString("server.addr"));
    }

    @Test
    void warnsAboutKeysNoReferenceDefines() throws IOException {
        Path file = nodeFile("""
                # a node
                server {
                  adr = "127.0.0.1:1"
                  addr = "127.0.0.1:2"
                }
                engine-x.cache = 1
                labels.zone = z1
                """);
        List<BundleReference> bundles = List.of(bundle("x", "engine-x.cache = 0\nlabels = {}"));

        List<String> warnings = ConfigLoader.create(ConfigFactory.empty(), file, KERNEL_REFERENCE)
                .unknownKeyWarnings(bundles);

        assertEquals(List.of("unknown config key 'server.adr' in node.conf: line 3 — not used by any bundle"),
                warnings);
    }

    @Test
    void missingFileIsOneClearLine() {
        Path missing = dir.resolve("nope.conf");
        KernelStartupException e = assertThrows(KernelStartupException.class,
                () -> ConfigLoader.create(ConfigFactory.empty(), missing, KERNEL_REFERENCE));
        assertEquals("cannot read config file " + missing + ": No such file", e.getMessage());
    }

    @Test
    void parseErrorNamesFileAndLine() throws IOException {
        Path file = nodeFile("server {\n  addr = \"127.0.0.1:1\"\n  status-addr = [\n");
        KernelStartupException e = assertThrows(KernelStartupException.class,
                () -> ConfigLoader.create(ConfigFactory.empty(), file, KERNEL_REFERENCE));
        assertTrue(e.getMessage().startsWith("cannot parse config file " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("node.conf: 4"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void bundlesDirDefaultsUnderKvasirHome() {
        Config withHome = ConfigFactory.parseMap(Map.of("kvasir.home", "/opt/kvasir"));
        Config config = ConfigLoader.create(withHome, null, KERNEL_REFERENCE).kernelOnly();
        assertEquals(Path.of("/opt/kvasir/bundles"), KernelSettings.from(config).bundlesDir());

        Config plain = ConfigLoader.create(ConfigFactory.empty(), null, KERNEL_REFERENCE).kernelOnly();
        assertEquals(Path.of("bundles"), KernelSettings.from(plain).bundlesDir());
    }

    @Test
    void operatorViewHidesJvmSystemProperties() {
        ConfigLoader loader = ConfigLoader.create(ConfigFactory.systemProperties(), null, KERNEL_REFERENCE);
        List<BundleReference> bundles = List.of(bundle("x", "engine-x.cache = 0"));
        Config view = loader.operatorView(loader.withBundles(bundles), bundles);
        assertFalse(view.hasPath("java"));
        assertTrue(view.hasPath("server.addr"));
        assertTrue(view.hasPath("engine-x.cache"));
    }
}
