package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    private static Config with(String overrides) {
        return ConfigFactory.parseString(overrides + "\nserver.addr = \"127.0.0.1:20160\"\nserver.status-addr = \"127.0.0.1:20180\"")
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void theDefaultsAreTiKVs() {
        StoreSettings s = StoreSettings.from(with(""));
        assertEquals(2, s.storePoolSize());
        assertEquals(2, s.applyPoolSize());
        assertEquals(256, s.storeMaxBatchSize());
        assertEquals(10, s.mergeMaxLogGap());
        assertEquals(Duration.ofSeconds(2), s.mergeCheckTickInterval());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        for (String bad : new String[] {"raftstore.store-pool-size = 0", "raftstore.apply-pool-size = 5000",
                "raftstore.merge-max-log-gap = -1", "raftstore.merge-check-tick-interval = 0s",
                "raftstore.max-inflight-writes = 0"}) {
            ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> StoreSettings.from(with(bad)));
            String key = bad.substring(0, bad.indexOf(' '));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
