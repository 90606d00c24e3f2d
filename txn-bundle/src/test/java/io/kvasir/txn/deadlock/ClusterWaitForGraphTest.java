package io.kvasir.txn.deadlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.DeadlockGrpc;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockRequest;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockResponse;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntriesRequest;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntry;
import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.txn.percolator.TxnKv;
import io.kvasir.txn.raw.FakeRegionStore;
import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.DeadlockDetector.Wait;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores' wait-for graphs over real gRPC on loopback: the store leading the first region is
 * the detector and serves the Deadlock service; the other reports its waits there, so a cycle
 * made of one wait on each store is found, and the waiter that closed it hears of it.
 */
class ClusterWaitForGraphTest {
    private static final Duration REFRESH = Duration.ofMillis(50);

    @TempDir
    Path dir;
    KvEngine engine;
    FakeRegionStore detectorStore;
    FakeRegionStore otherStore;
    DeadlockDetector detectorGraph;
    DeadlockDetector otherGraph;
    ClusterWaitForGraph onDetector;
    ClusterWaitForGraph onOther;
    Server server;

    @BeforeEach
    void start() throws Exception {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
        detectorStore = FakeRegionStore.wholeKeySpace(engine);
        otherStore = FakeRegionStore.wholeKeySpace(engine);
        otherStore.leader = false;

        detectorGraph = TxnKv.newDeadlockDetector();
        onDetector = new ClusterWaitForGraph(detectorGraph, detectorStore, directory(() -> "unused:1"));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new DeadlockService(detectorGraph, onDetector::isDetector)).build().start();
        String address = "127.0.0.1:" + server.getPort();
        otherGraph = TxnKv.newDeadlockDetector();
        onOther = new ClusterWaitForGraph(otherGraph, otherStore, directory(() -> address));
        onDetector.start(REFRESH);
        onOther.start(REFRESH);
        awaitTrue(onDetector::isDetector, "the first region's leader becomes the detector");
    }

    @AfterEach
    void stop() throws Exception {
        onOther.close();
        onDetector.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        engine.close();
    }

    /** PD as the other store sees it: the first region is led by store 2, at {@code address}. */
    private static ClusterDirectory directory(java.util.function.Supplier<String> address) {
        return new ClusterDirectory() {
            @Override
            public long gcSafePoint() {
                return 0;
            }

            @Override
            public Optional<RegionLeader> leaderOf(byte[] regionKey) {
                return Optional.of(new RegionLeader(Metapb.Region.newBuilder().setId(1).build(),
                        Metapb.Peer.newBuilder().setId(9).setStoreId(2).build(), address.get()));
            }
        };
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Reports {@code wait} from the other store until the detector holds it (the other store may not know the detector yet). */
    private CompletableFuture<List<Wait>> reportFromOther(Wait wait) throws InterruptedException {
        CompletableFuture<List<Wait>> deadlock = new CompletableFuture<>();
        awaitTrue(() -> {
            onOther.detect(wait, deadlock::complete);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return deadlock.isDone() || detectorGraph.waits().stream().anyMatch(w -> w.waiter() == wait.waiter());
        }, "the detector holds the other store's wait " + wait);
        return deadlock;
    }

    @Test
    void aCycleOfWaitsOnTwoStoresIsFoundAndTheWaiterThatClosedItHearsOfIt() throws Exception {
        CompletableFuture<List<Wait>> first = new CompletableFuture<>();
        onDetector.detect(new Wait(1, 2, 11, "k1".getBytes()), first::complete);
        assertTrue(!first.isDone(), "one wait alone is no deadlock");

        CompletableFuture<List<Wait>> second = reportFromOther(new Wait(2, 1, 22, "k2".getBytes()));

        List<Wait> cycle = second.get(10, TimeUnit.SECONDS);
        assertEquals(2, cycle.size(), cycle.toString());
        assertEquals(2, cycle.get(0).waiter());
        assertEquals(1, cycle.get(0).holder());
        assertEquals(1, cycle.get(1).waiter(), "the chain goes on through the detector store's wait");
        assertEquals(2, cycle.get(1).holder());
        assertEquals("k1", new String(cycle.get(1).key()));
        assertTrue(!first.isDone());
    }

    @Test
    void whenTheDetectorMovesLiveWaitsAreReportedToTheNewOneAndACycleClosedAfterwardsIsFound() throws Exception {
        CompletableFuture<List<Wait>> first = reportFromOther(new Wait(2, 1, 22, "k2".getBytes()));

        // The first region's leadership moves to the other store: it is the detector now.
        detectorStore.leader = false;
        otherStore.leader = true;
        awaitTrue(onOther::isDetector, "the new leader of the first region becomes the detector");
        awaitTrue(() -> otherGraph.waits().stream().anyMatch(w -> w.waiter() == 2 && w.holder() == 1),
                "the new detector holds the wait reported before the move");
        awaitTrue(() -> detectorGraph.waits().isEmpty(), "the old detector forgot the graph it kept");

        CompletableFuture<List<Wait>> second = new CompletableFuture<>();
        onOther.detect(new Wait(1, 2, 11, "k1".getBytes()), second::complete);
        List<Wait> cycle = second.get(10, TimeUnit.SECONDS);
        assertEquals(2, cycle.size(), cycle.toString());
        assertEquals(1, cycle.get(0).waiter());
        assertEquals(2, cycle.get(1).waiter(), "through the wait reported again");
        assertTrue(!first.isDone());
    }

    @Test
    void cleanUpsFromTheOtherStoreReachTheDetector() throws Exception {
        reportFromOther(new Wait(3, 4, 33, "k3".getBytes()));
        onOther.cleanUpWaitFor(3, 4, 33);
        awaitTrue(() -> detectorGraph.waits().stream().noneMatch(w -> w.waiter() == 3), "the wait is cleaned up");

        reportFromOther(new Wait(5, 6, 55, "k5".getBytes()));
        onOther.cleanUp(5);
        awaitTrue(() -> detectorGraph.waits().stream().noneMatch(w -> w.waiter() == 5), "the transaction is cleaned up");
    }

    @Test
    void aStoreThatIsNotTheDetectorRefusesReports() throws Exception {
        Server notDetector = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new DeadlockService(TxnKv.newDeadlockDetector(), () -> false)).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", notDetector.getPort()).usePlaintext().build();
        try {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            StreamObserver<DeadlockRequest> requests = DeadlockGrpc.newStub(channel).detect(new StreamObserver<>() {
                @Override
                public void onNext(DeadlockResponse value) {
                    ended.completeExceptionally(new AssertionError("unexpected answer " + value));
                }

                @Override
                public void onError(Throwable t) {
                    ended.complete(t);
                }

                @Override
                public void onCompleted() {
                    ended.completeExceptionally(new AssertionError("completed without refusing"));
                }
            });
            requests.onNext(DeadlockRequest.newBuilder().setEntry(WaitForEntry.newBuilder().setTxn(1).setWaitForTxn(2))
                    .build());
            Throwable refusal = ended.get(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.FAILED_PRECONDITION, Status.fromThrowable(refusal).getCode());
        } finally {
            channel.shutdownNow();
            notDetector.shutdownNow();
        }
    }

    @Test
    void theDetectorListsTheWaitsItHolds() throws Exception {
        reportFromOther(new Wait(7, 8, 77, "k7".getBytes()));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            List<WaitForEntry> entries = DeadlockGrpc.newBlockingStub(channel)
                    .getWaitForEntries(WaitForEntriesRequest.getDefaultInstance()).getEntriesList();
            assertTrue(entries.stream().anyMatch(e -> e.getTxn() == 7 && e.getWaitForTxn() == 8 && e.getKeyHash() == 77),
                    entries.toString());
        } finally {
            channel.shutdownNow();
        }
    }
}
