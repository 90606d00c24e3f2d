package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.SplitPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split checker against a real replicated region: which regions it cuts, and where. */
class SplitCheckerTest {

    @TempDir
    Path dir;
    ClusterHarness cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Call(long regionId, List<ByteString> keys) {
    }

    @Test
    void aRegionPastTheLimitIsCutIntoPiecesAtKeysInsideIt() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1, 2, 3);
        for (int i = 0; i < 400; i++) {
            cluster.putRouted(String.format("key%04d", i), "x".repeat(200));
        }
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        ClusterHarness.Node node = cluster.node(leader);
        node.engine.flush(); // size estimates come from flushed files
        List<Call> calls = new ArrayList<>();
        SplitChecker checker = new SplitChecker(node.engine, node.driver, (region, keys) -> {
            calls.add(new Call(region, keys));
            return new CompletableFuture<>();
        }, SplitPolicy.pieces(20_000, 100));
        assertEquals(1, checker.checkAll());
        assertEquals(1, calls.size());
        Call call = calls.get(0);
        assertEquals(ClusterHarness.FIRST_REGION, call.regionId());
        assertTrue(call.keys().size() >= 3, "400 keys of ~200 B in pieces of 100 keys / 20 kB: " + call.keys().size());
        for (ByteString k : call.keys()) {
            assertTrue(k.toStringUtf8().startsWith("key"), "split keys are user keys, not data keys: " + k.toStringUtf8());
        }
        assertEquals(0, checker.checkAll(), "a region being split is not checked again meanwhile");
    }

    @Test
    void followersAndSmallRegionsAreLeftAlone() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1, 2, 3);
        cluster.putRouted("a", "b");
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        for (long s = 1; s <= 3; s++) {
            ClusterHarness.Node node = cluster.node(s);
            node.engine.flush();
            SplitChecker checker = new SplitChecker(node.engine, node.driver, (region, keys) -> {
                throw new AssertionError("no split expected on store " + node.storeId);
            }, s == leader ? SplitPolicy.TIKV_DEFAULT : SplitPolicy.pieces(1, 1));
            assertEquals(0, checker.checkAll());
        }
    }
}
