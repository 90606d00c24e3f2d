package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.ManualClock.ms;
import static io.kvasir.raft.store.transport.TransportFixtures.message;
import static io.kvasir.raft.store.transport.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raft messages over real gRPC on loopback: batching, order, a store that is down and comes back. */
class GrpcRaftTransportTest {
    @TempDir
    Path tmp;

    /** What PD would answer: store id to address; tests move stores by changing it. */
    private final Map<Long, String> addresses = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    /** Resolution waits on this, so a test can fill a queue before the sender starts draining it. */
    private volatile CountDownLatch resolveGate = new CountDownLatch(0);
    private final RecordingFeedback feedback = new RecordingFeedback();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private final StoreResolver resolver = new PdStoreResolver(id -> {
        try {
            if (!resolveGate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        lookups.incrementAndGet();
        String address = addresses.get(id);
        return address == null ? null
                : Metapb.Store.newBuilder().setId(id).setAddress(address).setState(Metapb.StoreState.Up).build();
    });

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    private FakeStoreServer store(long storeId, String dir) {
        FakeStoreServer s = closeLater(new FakeStoreServer(tmp.resolve(dir), 4));
        addresses.put(storeId, s.address());
        return s;
    }

    private GrpcRaftTransport transport(TransportSettings settings, TransportClock clock) {
        return closeLater(new GrpcRaftTransport(settings, resolver, new SnapshotPaths(tmp.resolve("leader")), feedback, clock));
    }

    private static List<Long> indexes(List<RaftMessage> messages) {
        return messages.stream().map(m -> m.getMessage().getIndex()).toList();
    }

    @Test
    void messagesToTwoStoresArriveInOrderInBatches() {
        FakeStoreServer store2 = store(2, "s2");
        FakeStoreServer store3 = store(3, "s3");
        GrpcRaftTransport transport = transport(settings().build(), new ManualClock());
        int n = 1_000;
        resolveGate = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            transport.send(message(10 + i % 7, 2_000 + i % 7, 2, i));
            transport.send(message(20 + i % 5, 3_000 + i % 5, 3, i));
        }
        // Every message is queued before either sender has an address: a burst.
        resolveGate.countDown();
        Await.until(() -> store2.delivered.size() == n && store3.delivered.size() == n,
                () -> "delivered " + store2.delivered.size() + " and " + store3.delivered.size());

        List<Long> expected = LongStream.range(0, n).boxed().toList();
        assertEquals(expected, indexes(store2.deliveredTo(2)), "store 2 got every message, in order");
        assertEquals(expected, indexes(store3.deliveredTo(3)), "store 3 got every message, in order");
        assertTrue(store2.delivered.stream().allMatch(m -> m.getToPeer().getStoreId() == 2));
        // 1,000 queued messages in batches of at most 128 (raft-msg-max-batch-size): 8 batches.
        assertEquals(8, store2.batches(), "batches to store 2: " + store2.batchSizes);
        assertEquals(8, store3.batches(), "batches to store 3: " + store3.batchSizes);
        assertTrue(store2.batchSizes.stream().allMatch(size -> size <= 128));
        assertTrue(feedback.unreachable.isEmpty(), "nothing was lost: " + feedback.unreachable);

        // A lone message later goes at once, in a batch of its own.
        transport.send(message(10, 2_000, 2, n));
        Await.until(() -> store2.delivered.size() == n + 1, () -> "the lone message");
        assertEquals(9, store2.batches());
    }

    @Test
    void aStoreThatIsDownIsReportedUnreachableUntilItComesBackAtANewAddress() {
        // An address where nothing listens: a server that came and went.
        FakeStoreServer gone = new FakeStoreServer(tmp.resolve("gone"), 4);
        addresses.put(2L, gone.address());
        gone.close();
        int queueSize = 16;
        ManualClock clock = new ManualClock(ms(1));
        GrpcRaftTransport transport = transport(settings().queueSize(queueSize).backoff("10ms", "40ms").build(), clock);

        resolveGate = new CountDownLatch(1);
        int n = 100;
        for (int i = 0; i < n; i++) {
            transport.send(message(i, 1_000 + i, 2, i));
        }
        // The sender is stuck resolving, having taken the first message from the queue at some point
        // of the burst, or not yet: the queue is bounded at 16, so 83 or 84 messages were refused on
        // the spot, each reported once, by send itself.
        int queued = transport.connection(2).queued();
        assertTrue(queued == queueSize || queued == queueSize - 1, "queued " + queued);
        int refused = feedback.unreachable.size();
        assertTrue(refused == n - queueSize || refused == n - queueSize - 1, "refused " + refused);
        assertEquals(refused, feedback.unreachablePeers().size(), "each refused message reported once");

        // Connecting fails: what was queued is dropped and reported too, and the sender pauses.
        resolveGate.countDown();
        Set<TargetPeer> all = new HashSet<>();
        for (int i = 0; i < n; i++) {
            all.add(new TargetPeer(i, 1_000 + i));
        }
        Await.until(() -> feedback.unreachablePeers().equals(all), () -> "unreachable: " + feedback.unreachablePeers().size());
        Await.until(() -> clock.sleeps.size() == 1, () -> "a pause after the failed attempt");

        // With nothing to send it does not dial; each new message makes one more attempt, which
        // fails, reports the message and pauses longer: the address is asked for every time.
        for (int attempt = 2; attempt <= 4; attempt++) {
            int a = attempt;
            transport.send(message(500 + a, 5_000 + a, 2, 0));
            Await.until(() -> clock.sleeps.size() == a, () -> "attempt " + a + ", slept " + clock.sleeps);
            assertTrue(feedback.unreachablePeers().contains(new TargetPeer(500 + a, 5_000 + a)));
        }
        assertEquals(List.of(ms(10), ms(20), ms(40), ms(40)), clock.sleeps, "exponential, capped");
        assertEquals(4, lookups.get(), "one resolution per attempt: a failed address is not cached");
        assertEquals(0, transport.connection(2).connections());

        // The store comes back elsewhere; the next message resolves the new address and connects.
        FakeStoreServer back = store(2, "back");
        transport.send(message(7, 77, 2, 999));
        Await.until(() -> back.delivered.size() == 1, () -> "delivered after the store came back");
        assertEquals(1, transport.connection(2).connections());
        int reportsBefore = feedback.unreachable.size();
        // In rounds that fit the queue of 16.
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 10; i++) {
                transport.send(message(7, 77, 2, 1_000 + round * 10 + i));
            }
            int expected = 1 + (round + 1) * 10;
            Await.until(() -> back.delivered.size() == expected, () -> "delivered " + back.delivered.size());
        }
        assertEquals(LongStream.range(999, 1_050).boxed().toList(), indexes(back.delivered));
        assertEquals(reportsBefore, feedback.unreachable.size(), "nothing lost once connected");
    }

    @Test
    void aBrokenStreamReportsThePeersItCarriedAndReconnects() {
        FakeStoreServer first = store(2, "first");
        ManualClock clock = new ManualClock(ms(1));
        GrpcRaftTransport transport = transport(settings().backoff("10ms", "40ms").build(), clock);
        transport.send(message(1, 11, 2, 0));
        transport.send(message(2, 22, 2, 1));
        Await.until(() -> first.delivered.size() == 2, () -> "first two delivered");

        first.close();
        Await.until(() -> feedback.unreachablePeers().containsAll(Set.of(new TargetPeer(1, 11), new TargetPeer(2, 22))),
                () -> "the peers of the broken stream reported: " + feedback.unreachablePeers());
        Await.until(() -> !clock.sleeps.isEmpty(), () -> "a pause before reconnecting");
        assertEquals(ms(10), clock.sleeps.get(0), "a connection that worked backs off from the start");

        FakeStoreServer second = store(2, "second");
        transport.send(message(3, 33, 2, 2));
        Await.until(() -> second.delivered.size() == 1, () -> "delivered after reconnecting");
        assertEquals(2, transport.connection(2).connections());
    }

    @Test
    void afterCloseNothingIsSentAndNothingReported() {
        FakeStoreServer store2 = store(2, "s2");
        GrpcRaftTransport transport = transport(settings().build(), new ManualClock());
        transport.send(message(1, 11, 2, 0));
        Await.until(() -> store2.delivered.size() == 1, () -> "delivered");
        transport.close();
        transport.send(message(1, 11, 2, 1));
        transport.send(message(1, 11, 3, 1));
        assertEquals(1, store2.delivered.size());
        assertTrue(feedback.unreachable.isEmpty());
        assertEquals(null, transport.connection(3));
    }

    @Test
    void aMessageToAPeerWithoutAStoreIsDropped() {
        GrpcRaftTransport transport = transport(settings().build(), new ManualClock());
        transport.send(message(1, 11, 0, 0));
        assertEquals(null, transport.connection(0));
        assertTrue(feedback.unreachable.isEmpty());
    }

    /** Fault injection: the messages the seeded draws pick never leave; the others arrive in order, and nobody is told. */
    @Test
    void withADropRatioTheSeededShareOfMessagesIsLostSilently() {
        FakeStoreServer store2 = store(2, "s2");
        GrpcRaftTransport transport = transport(settings().dropMessages(0.3, 7).build(), new ManualClock());
        Random draws = new Random(7);
        List<Long> kept = new ArrayList<>();
        int n = 1_000;
        for (int i = 0; i < n; i++) {
            transport.send(message(10 + i % 7, 2_000 + i % 7, 2, i));
            if (draws.nextDouble() >= 0.3) {
                kept.add((long) i);
            }
        }
        Await.until(() -> store2.delivered.size() == kept.size(), () -> "delivered " + store2.delivered.size());
        assertEquals(kept, indexes(store2.delivered), "exactly the messages the seed keeps, in order");
        assertEquals(n - kept.size(), transport.droppedOnPurpose());
        assertTrue(n - kept.size() > 250 && n - kept.size() < 350, "about 30% dropped: " + (n - kept.size()));
        assertTrue(feedback.unreachable.isEmpty(), "a lossy network does not say what it lost: " + feedback.unreachable);
    }
}
