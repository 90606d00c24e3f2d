package io.kvasir.engine.lmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LmdbConfigTest {

    private static Config node(String text) {
        return ConfigFactory.parseString(text);
    }

    @Test
    void defaultsComeFromReferenceConf() {
        LmdbConfig.Settings settings = LmdbConfig.fromConfig(node("storage.data-dir = /var/kvasir"));
        assertEquals(Path.of("/var/kvasir/lmdb"), settings.dir());
        assertEquals(LmdbOptions.DEFAULT, settings.options());
    }

    @Test
    void everyKeyCanBeOverridden() {
        LmdbOptions options = LmdbConfig.options(node("""
                lmdb.map-size = 16MiB
                lmdb.map-growth-factor = 1.5
                lmdb.map-growth-min-step = 8MiB
                lmdb.map-growth-threshold = 0.5
                lmdb.growth-timeout = 250ms
                lmdb.max-readers = 126
                lmdb.max-value-size = 1MiB
                """));
        assertEquals(new LmdbOptions(16L << 20, 1.5, 8L << 20, 0.5, Duration.ofMillis(250), 126, 1 << 20), options);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lmdb.map-size = -1GiB              | lmdb.map-size",
        "lmdb.map-size = 1KiB               | lmdb.map-size",
        "lmdb.map-size = lots               | lmdb.map-size",
        "lmdb.map-growth-factor = 0.5       | lmdb.map-growth-factor",
        "lmdb.map-growth-min-step = -1MiB   | lmdb.map-growth-min-step",
        "lmdb.map-growth-factor = 1.0, lmdb.map-growth-min-step = 0 | lmdb.map-growth-min-step",
        "lmdb.map-growth-threshold = 0      | lmdb.map-growth-threshold",
        "lmdb.map-growth-threshold = 1.5    | lmdb.map-growth-threshold",
        "lmdb.growth-timeout = -1s          | lmdb.growth-timeout",
        "lmdb.max-readers = 0               | lmdb.max-readers",
        "lmdb.max-value-size = 0            | lmdb.max-value-size",
        "lmdb.max-value-size = 4GiB         | lmdb.max-value-size",
    })
    void badValuesNameTheirKey(String setting, String key) {
        Config config = node("storage.data-dir = /tmp/x\n" + setting.replace(", ", "\n"));
        ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> LmdbConfig.fromConfig(config));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void missingDataDirIsReported() {
        ConfigException e = assertThrows(ConfigException.Missing.class, () -> LmdbConfig.fromConfig(node("")));
        assertTrue(e.getMessage().contains(LmdbConfig.DATA_DIR), e.getMessage());
    }

    @Test
    void optionsRecordRefusesWhatConfigRefuses() {
        assertThrows(IllegalArgumentException.class, () -> LmdbOptions.DEFAULT.withMapSize(-1));
        assertThrows(IllegalArgumentException.class, () -> LmdbOptions.DEFAULT.withGrowth(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> LmdbOptions.DEFAULT.withMaxReaders(0));
    }

    @Test
    void growthStepIsTheLargerOfFactorAndStepRoundedTo64KiB() {
        LmdbOptions options = LmdbOptions.DEFAULT;
        assertEquals(2L << 30, options.grownMapSize(1L << 30));
        assertEquals((1L << 20) + (64L << 20), options.grownMapSize(1L << 20));
        assertEquals(0, options.withGrowth(1.3, 0).grownMapSize(1_000_000) % (64 << 10));
    }
}
