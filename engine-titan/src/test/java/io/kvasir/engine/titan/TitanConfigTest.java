package io.kvasir.engine.titan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TitanConfigTest {

    private static Config node(String text) {
        return ConfigFactory.parseString(text);
    }

    @Test
    void defaultsComeFromReferenceConf() {
        TitanConfig.Settings settings = TitanConfig.fromConfig(node("storage.data-dir = /var/kvasir"));
        assertEquals(Path.of("/var/kvasir/titan"), settings.dir());
        assertEquals(TitanOptions.defaults(), settings.options());
    }

    @Test
    void everyKeyCanBeOverriddenAndTheLsmTakesTheRocksdbKeys() {
        TitanOptions options = TitanConfig.options(node("""
                titan.min-blob-size = 4KiB
                titan.blob-file-size = 64MiB
                titan.blob-file-discardable-ratio = 0.25
                titan.merge-small-file-threshold = 0
                titan.gc-interval = 0
                rocksdb.write-buffer-size = 8MiB
                """));
        RocksDbOptions d = RocksDbOptions.defaults();
        RocksDbOptions lsm = new RocksDbOptions(d.blockCacheBytes(), 8L << 20, d.maxWriteBufferNumber(), d.maxBackgroundJobs(),
                d.level0SlowdownTrigger(), d.level0StopTrigger(), d.softPendingCompactionBytesLimit(),
                d.hardPendingCompactionBytesLimit(), d.compression(), d.maxKeyBytes(), d.maxValueBytes());
        assertEquals(new TitanOptions(4 << 10, 64L << 20, 0.25, 0, Duration.ZERO, lsm), options);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "titan.min-blob-size = 0                       | titan.min-blob-size",
        "titan.min-blob-size = 1GiB                    | titan.min-blob-size",
        "titan.min-blob-size = big                     | titan.min-blob-size",
        "titan.blob-file-size = 1KiB                   | titan.blob-file-size",
        "titan.blob-file-size = 2GiB                   | titan.blob-file-size",
        "titan.blob-file-discardable-ratio = 0         | titan.blob-file-discardable-ratio",
        "titan.blob-file-discardable-ratio = 1.5       | titan.blob-file-discardable-ratio",
        "titan.merge-small-file-threshold = -1MiB      | titan.merge-small-file-threshold",
        "titan.gc-interval = -1s                       | titan.gc-interval",
        "rocksdb.compression = snappy                  | rocksdb.compression",
    })
    void badValuesNameTheirKey(String setting, String key) {
        Config config = node("storage.data-dir = /tmp/x\n" + setting);
        ConfigException e = assertThrows(ConfigException.class, () -> TitanConfig.fromConfig(config));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void missingDataDirIsReported() {
        ConfigException e = assertThrows(ConfigException.Missing.class, () -> TitanConfig.fromConfig(node("")));
        assertTrue(e.getMessage().contains(TitanConfig.DATA_DIR), e.getMessage());
    }

    /** Both bundles may be installed, and their reference.conf files are merged: the copies must agree. */
    @Test
    void rocksdbDefaultsAreEngineRocksdbsOwn() throws Exception {
        Config rocksdbs = null;
        for (URL url : Collections.list(getClass().getClassLoader().getResources("reference.conf"))) {
            if (url.toString().contains("engine-rocksdb")) {
                rocksdbs = ConfigFactory.parseURL(url);
            }
        }
        assertTrue(rocksdbs != null, "engine-rocksdb's reference.conf is on the test class path");
        assertEquals(rocksdbs.getConfig("rocksdb").root().unwrapped(), TitanConfig.reference().getConfig("rocksdb").root().unwrapped());
    }

    @Test
    void optionsRecordRefusesWhatConfigRefuses() {
        assertThrows(IllegalArgumentException.class, () -> TitanOptions.defaults().withMinBlobSize(0));
        assertThrows(IllegalArgumentException.class, () -> TitanOptions.defaults().withBlobFileSize(TitanOptions.MAX_BLOB_FILE_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> TitanOptions.defaults().withDiscardableRatio(0));
        assertThrows(IllegalArgumentException.class, () -> TitanOptions.defaults().withGcInterval(Duration.ofSeconds(-1)));
    }
}
