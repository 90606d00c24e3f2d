package io.kvasir.kernel.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaygroundLayoutTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTikvsPorts() {
        PlaygroundLayout layout = PlaygroundLayout.resolve(dir, "rocksdb", 2, null);
        assertEquals("127.0.0.1:2379", layout.pdAddress());
        assertEquals(List.of(new PlaygroundLayout.StorePorts(20160, 20180), new PlaygroundLayout.StorePorts(20161, 20181)),
                layout.stores());
    }

    @Test
    void freePortsAreRememberedForTheNextStart() {
        PlaygroundLayout first = PlaygroundLayout.resolve(dir, "lmdb", 1, 0);
        assertNotEquals(0, first.pdPort());
        PlaygroundLayout again = PlaygroundLayout.resolve(dir, "lmdb", 1, null);
        assertEquals(first, again);
        assertEquals(first, PlaygroundLayout.resolve(dir, "lmdb", 1, first.pdPort()));
    }

    @Test
    void nodeConfigsAssembleAPdAndStoresPointingAtIt() {
        PlaygroundLayout layout = PlaygroundLayout.resolve(dir, "rocksdb", 1, 0);
        Config pd = ConfigFactory.parseString(layout.pdConfig());
        assertEquals(List.of("pd"), pd.getStringList("node.roles"));
        assertEquals(layout.pdAddress(), pd.getString("server.addr"));
        Config store = ConfigFactory.parseString(layout.storeConfig(0));
        assertEquals(List.of("store"), store.getStringList("node.roles"));
        assertEquals(List.of(layout.pdAddress()), store.getStringList("pd.endpoints"));
        assertTrue(store.getString("storage.data-dir").endsWith("store-1"));
        assertEquals("rocksdb", store.getString("storage.engine"));
        int pools = store.getInt("raftstore.store-pool-size");
        assertTrue(pools >= 1 && pools <= 2, "pool size " + pools);
        assertEquals(pools, store.getInt("raftstore.apply-pool-size"));
    }

    @Test
    void theStoresShareTheMachinesCoresAmongTheirPools() {
        assertEquals(1, PlaygroundLayout.poolSize(2, 3), "2 cores, 3 stores");
        assertEquals(1, PlaygroundLayout.poolSize(1, 1));
        assertEquals(2, PlaygroundLayout.poolSize(4, 1));
        assertEquals(2, PlaygroundLayout.poolSize(32, 3), "never more than TiKV's default");
    }

    @Test
    void restartingWithAnotherEngineIsRefused() {
        PlaygroundLayout.resolve(dir, "rocksdb", 1, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlaygroundLayout.resolve(dir, "lmdb", 1, null));
        assertTrue(e.getMessage().contains("--engine rocksdb"), e.getMessage());
    }
}
