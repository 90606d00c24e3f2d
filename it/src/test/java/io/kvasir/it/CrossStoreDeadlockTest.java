package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.TikvGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;

/**
 * Two pessimistic transactions lock one key each, on regions led by different stores, then each
 * asks for the other's key: the waits sit on two stores, and only the cluster's deadlock detector
 * (the first region's leader) sees both. One of them must be told of the deadlock — not time out
 * with a plain lock error — and once it rolls back, the other gets its lock.
 */
class CrossStoreDeadlockTest {
    /** Frequent heartbeats, so PD spreads the new regions' leaders over the stores quickly. */
    static final String FAST_HEARTBEATS = "-Draftstore.pd-heartbeat-tick-interval=1s"
            + " -Draftstore.pd-store-heartbeat-tick-interval=1s";
    static final long WAIT_MILLIS = 15_000;

    @TempDir
    Path data;

    @Test
    void aDeadlockThroughTwoStoresIsDetectedAndBroken() throws Exception {
        try (Playground playground = Playground.startWithJvmOptions(FAST_HEARTBEATS, data, "--stores", "3")) {
            try (TiSession session = TiSession.create(TiConfiguration.createDefault(playground.pdAddress()))) {
                List<String> keys = new ArrayList<>();
                List<byte[]> splitKeys = new ArrayList<>();
                for (int i = 0; i < 9; i++) {
                    keys.add("deadlock/" + i);
                    if (i > 0) {
                        splitKeys.add(bytes("deadlock/" + i));
                    }
                }
                session.splitRegionAndScatter(splitKeys);
                String[] pair = keysLedByTwoStores(session, keys);
                String k1 = pair[0];
                String k2 = pair[1];
                // The detector is the first region's leader; a new one starts with an empty graph
                // (as in TiKV), so waits reported before a move are forgotten. Start once it is settled.
                awaitSettledDetector(session);

                long a = session.getTimestamp().getVersion();
                long b = session.getTimestamp().getVersion();
                assertTrue(lock(session, a, k1, 0).getErrorsList().isEmpty(), "a locks " + k1);
                assertTrue(lock(session, b, k2, 0).getErrorsList().isEmpty(), "b locks " + k2);

                PendingLock aWaits = PendingLock.start(session, a, k2);
                PendingLock bWaits = PendingLock.start(session, b, k1);

                PendingLock loser = null;
                PendingLock winner = null;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS + 10_000);
                while (loser == null && System.nanoTime() < deadline) {
                    if (aWaits.answer.isDone() && aWaits.answer.get().hasRegionError()) {
                        aWaits.close();
                        aWaits = PendingLock.start(session, a, k2);
                    }
                    if (bWaits.answer.isDone() && bWaits.answer.get().hasRegionError()) {
                        bWaits.close();
                        bWaits = PendingLock.start(session, b, k1);
                    }
                    for (PendingLock p : List.of(aWaits, bWaits)) {
                        if (p.answer.isDone() && !p.answer.get().hasRegionError()) {
                            loser = p;
                            winner = p == aWaits ? bWaits : aWaits;
                        }
                    }
                    Thread.sleep(20);
                }
                assertTrue(loser != null, "neither wait ended");
                Kvrpcpb.PessimisticLockResponse lost = loser.answer.get();
                assertEquals(1, lost.getErrorsCount(), lost.toString());
                assertTrue(lost.getErrors(0).hasDeadlock(), "told of the deadlock, not a timeout: " + lost);
                assertTrue(lost.getErrors(0).getDeadlock().getWaitChainCount() >= 2, lost.toString());

                // The loser gives up its own lock, as a client does after a deadlock error.
                String loserOwnKey = loser == aWaits ? k1 : k2;
                rollback(session, loser.startTs, loserOwnKey);
                Kvrpcpb.PessimisticLockResponse won = winner.answer.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (won.hasRegionError()) {
                    winner.close();
                    winner = PendingLock.start(session, winner.startTs, loserOwnKey);
                    won = winner.answer.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                }
                assertTrue(won.getErrorsList().isEmpty(), "the other transaction gets the lock: " + won);
                aWaits.close();
                bWaits.close();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Two of {@code keys} whose regions are led by different stores, once PD has spread the leaders. */
    private static String[] keysLedByTwoStores(TiSession session, List<String> keys) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                long firstStore = LeaderRoute.of(session, keys.get(0)).storeId();
                for (String k : keys.subList(1, keys.size())) {
                    if (LeaderRoute.of(session, k).storeId() != firstStore) {
                        return new String[] {keys.get(0), k};
                    }
                }
            } catch (RuntimeException e) {
                // A region without a leader yet: look again.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("PD never spread the leaders of " + keys + " over two stores");
    }

    /** Waits until the first region has kept the same leader for 5 s (PD balances leaders after the split). */
    private static void awaitSettledDetector(TiSession session) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long leader = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now;
            try {
                now = LeaderRoute.of(session, "").storeId();
            } catch (RuntimeException e) {
                now = -1;
            }
            if (now != leader) {
                leader = now;
                since = System.nanoTime();
            } else if (leader != -1 && System.nanoTime() - since > TimeUnit.SECONDS.toNanos(5)) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static Kvrpcpb.PessimisticLockRequest lockRequest(LeaderRoute route, long startTs, String key, long waitMillis) {
        return Kvrpcpb.PessimisticLockRequest.newBuilder().setContext(route.context())
                .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.PessimisticLock)
                        .setKey(ByteString.copyFromUtf8(key)))
                .setPrimaryLock(ByteString.copyFromUtf8(key)).setStartVersion(startTs).setForUpdateTs(startTs)
                .setLockTtl(60_000).setWaitTimeout(waitMillis).build();
    }

    /** A call to the leader of a key's region, tried again while the region is changing shape or leader. */
    private interface RegionCall<R> {
        R call(LeaderRoute route, TikvGrpc.TikvBlockingStub stub);
    }

    private static <R extends com.google.protobuf.Message> R atLeader(TiSession session, String key, RegionCall<R> call)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            LeaderRoute route = LeaderRoute.of(session, key);
            ManagedChannel channel = route.channel();
            try {
                R r = call.call(route, LeaderRoute.stub(channel, 30));
                com.google.protobuf.Descriptors.FieldDescriptor regionError =
                        r.getDescriptorForType().findFieldByName("region_error");
                if (!r.hasField(regionError) || System.nanoTime() > deadline) {
                    return r;
                }
            } finally {
                channel.shutdownNow();
            }
            Thread.sleep(200);
        }
    }

    private static Kvrpcpb.PessimisticLockResponse lock(TiSession session, long startTs, String key, long waitMillis)
            throws InterruptedException {
        Kvrpcpb.PessimisticLockResponse r = atLeader(session, key,
                (route, stub) -> stub.kvPessimisticLock(lockRequest(route, startTs, key, waitMillis)));
        assertTrue(!r.hasRegionError(), r.toString());
        return r;
    }

    private static void rollback(TiSession session, long startTs, String key) throws InterruptedException {
        Kvrpcpb.PessimisticRollbackResponse r = atLeader(session, key, (route, stub) -> stub.kVPessimisticRollback(
                Kvrpcpb.PessimisticRollbackRequest.newBuilder().setContext(route.context())
                        .setStartVersion(startTs).setForUpdateTs(startTs).addKeys(ByteString.copyFromUtf8(key))
                        .build()));
        assertTrue(!r.hasRegionError() && r.getErrorsList().isEmpty(), r.toString());
    }

    /** A lock request that waits at the key's store, answered whenever the store decides. */
    private record PendingLock(long startTs, ManagedChannel channel,
            com.google.common.util.concurrent.ListenableFuture<Kvrpcpb.PessimisticLockResponse> answer)
            implements AutoCloseable {

        static PendingLock start(TiSession session, long startTs, String key) {
            LeaderRoute route = LeaderRoute.of(session, key);
            ManagedChannel channel = route.channel();
            return new PendingLock(startTs, channel, TikvGrpc.newFutureStub(channel)
                    .withDeadlineAfter(WAIT_MILLIS + 20_000, TimeUnit.MILLISECONDS)
                    .kvPessimisticLock(lockRequest(route, startTs, key, WAIT_MILLIS)));
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
