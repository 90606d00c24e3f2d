package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionException;
import io.kvasir.raft.api.RegionRoute;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads at a follower: served only when the request asks for a replica read, and never stale. */
class ReplicaReadTest {

    @TempDir
    Path dir;
    ClusterHarness cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aReplicaReadAtAFollowerSeesEveryAcknowledgedWrite() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1, 2, 3);
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long follower = leader == 1 ? 2 : 1;
        // The follower hears no appends: its engine lags the acknowledged write...
        cluster.dropIf(m -> m.getToPeer().getStoreId() == follower
                && m.getMessage().getMsgType() == io.kvasir.kvproto.Eraftpb.MessageType.MsgAppend);
        cluster.putAtLeader("k", "acknowledged");
        assertEquals(null, cluster.engineValue(follower, "k"));

        // ...so its read waits for the leader's read point, and returns once the log arrives.
        CompletableFuture<String> read = read(follower, replicaRead(follower));
        cluster.tick(5);
        assertTrue(!read.isDone() || "acknowledged".equals(read.join()), "never the old value");
        cluster.heal();
        cluster.tickUntil("the replica read", 100, read::isDone);
        assertEquals("acknowledged", read.join());
    }

    @Test
    void aFollowerRefusesPlainReadsAndStaleReads() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1, 2, 3);
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long follower = leader == 1 ? 2 : 1;
        cluster.putAtLeader("k", "v");

        RegionException plain = assertThrows(RegionException.class,
                () -> cluster.node(follower).regions.route(cluster.context(follower, ClusterHarness.FIRST_REGION)));
        assertTrue(plain.error().hasNotLeader(), plain.error().toString());
        assertEquals(cluster.view(leader, ClusterHarness.FIRST_REGION).self(), plain.error().getNotLeader().getLeader());

        RegionException stale = assertThrows(RegionException.class, () -> cluster.node(follower).regions.route(
                cluster.context(follower, ClusterHarness.FIRST_REGION).toBuilder().setStaleRead(true).build()));
        assertTrue(stale.error().hasDataIsNotReady(), stale.error().toString());

        // A write that says replica_read still goes to the leader only.
        CompletableFuture<Void> write = cluster.node(follower).regions.write(
                cluster.node(follower).regions.route(replicaRead(follower)),
                java.util.List.of(io.kvasir.kvproto.RaftCmdpb.Request.newBuilder()
                        .setCmdType(io.kvasir.kvproto.RaftCmdpb.CmdType.Put)
                        .setPut(io.kvasir.kvproto.RaftCmdpb.PutRequest.newBuilder()
                                .setKey(ClusterHarness.utf8("k")).setValue(ClusterHarness.utf8("no"))).build()));
        cluster.tickUntil("the refusal", 20, write::isDone);
        CompletionException e = assertThrows(CompletionException.class, write::join);
        assertTrue(e.getCause() instanceof RegionException re && re.error().hasNotLeader(), e.toString());
    }

    private Kvrpcpb.Context replicaRead(long store) {
        return cluster.context(store, ClusterHarness.FIRST_REGION).toBuilder().setReplicaRead(true).build();
    }

    private CompletableFuture<String> read(long store, Kvrpcpb.Context context) {
        LocalRegionStore regions = cluster.node(store).regions;
        RegionRoute route = regions.route(context);
        return regions.snapshot(route).thenApply(snap -> {
            try (Snapshot s = snap) {
                byte[] v = s.get(ColumnFamily.DEFAULT, DataKeys.data("k".getBytes(StandardCharsets.UTF_8)));
                return v == null ? null : new String(v, StandardCharsets.UTF_8);
            }
        });
    }
}
