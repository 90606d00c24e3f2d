package io.kvasir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * The activator in a real framework (Felix, embedded): the gRPC service is registered exactly
 * while both a RawStorage and a TxnStorage service exist, and follows either storage when it
 * changes; its Raft RPCs follow the best-ranked RaftMessageReceiver service, without re-registering.
 */
class ServerActivatorTest {
    @TempDir
    Path cache;

    private Felix felix;
    private BundleContext context;
    private ServerActivator activator;

    @BeforeEach
    void start() throws Exception {
        felix = new Felix(Map.of(
                Constants.FRAMEWORK_STORAGE, cache.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.start();
        context = felix.getBundleContext();
        activator = new ServerActivator();
        activator.start(context);
    }

    @AfterEach
    void stop() throws Exception {
        felix.stop();
        felix.waitForStop(10_000);
    }

    /** The service published while the store serves, or null while the stand-in (or nothing) is. */
    private TikvService served() {
        ServiceReference<BindableService> ref = context.getServiceReference(BindableService.class);
        if (ref == null) {
            return null;
        }
        BindableService s = context.getService(ref);
        try {
            if (s instanceof TikvNotServing) {
                return null;
            }
            return assertInstanceOf(ServedTikv.class, s).service();
        } finally {
            context.ungetService(ref);
        }
    }

    private ServiceRegistration<RawStorage> register(RawStorage storage, int ranking) {
        return context.registerService(RawStorage.class, storage, ranked(ranking));
    }

    private ServiceRegistration<TxnStorage> registerTxn(TxnStorage storage, int ranking) {
        return context.registerService(TxnStorage.class, storage, ranked(ranking));
    }

    private static Dictionary<String, Object> ranked(int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        return props;
    }

    /** Sends one raw and one transactional request through {@code service}, to see which storages it is bound to. */
    private static void callThrough(TikvService service) throws InterruptedException {
        CountDownLatch answered = new CountDownLatch(2);
        service.rawGet(Kvrpcpb.RawGetRequest.getDefaultInstance(), new Counting<>(answered));
        service.kvGet(Kvrpcpb.GetRequest.getDefaultInstance(), new Counting<>(answered));
        assertTrue(answered.await(10, TimeUnit.SECONDS));
    }

    private record Counting<T>(CountDownLatch answered) implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
            answered.countDown();
        }

        @Override
        public void onCompleted() {
            answered.countDown();
        }
    }

    @Test
    void servesExactlyWhileBothStoragesExist() throws Exception {
        assertNull(served(), "no storage, no service");
        ServiceRegistration<RawStorage> raw = register(new FakeRawStorage(), 0);
        assertNull(served(), "raw storage alone: not served, or clients would meet a store without transactions");
        ServiceRegistration<TxnStorage> txn = registerTxn(new FakeTxnStorage(), 0);
        assertNotNull(served());
        assertTrue(activator.registered());
        assertEquals("tikvpb.Tikv", served().bindService().getServiceDescriptor().getName());

        raw.unregister();
        assertNull(served(), "raw storage gone, service gone");
        assertFalse(activator.registered());

        register(new FakeRawStorage(), 0);
        assertNotNull(served(), "and back");

        txn.unregister();
        assertNull(served(), "transactional storage gone, service gone");
        assertFalse(activator.registered());
        registerTxn(new FakeTxnStorage(), 0);
        assertNotNull(served(), "and back");
    }

    @Test
    void aTxnStorageAloneIsNotServedEither() {
        registerTxn(new FakeTxnStorage(), 0);
        assertNull(served());
        register(new FakeRawStorage(), 0);
        assertNotNull(served());
    }

    @Test
    void followsTheRemainingRawStorageWhenTheBoundOneLeaves() throws Exception {
        FakeTxnStorage txn = new FakeTxnStorage();
        registerTxn(txn, 0);
        FakeRawStorage firstRaw = new FakeRawStorage();
        FakeRawStorage secondRaw = new FakeRawStorage();
        ServiceRegistration<RawStorage> first = register(firstRaw, 10);
        TikvService overFirst = served();
        register(secondRaw, 0);
        assertEquals(1, context.getServiceReferences(BindableService.class, null).size(), "one service, not one per storage");
        callThrough(overFirst);
        assertEquals(1, firstRaw.calls().size());

        first.unregister();
        TikvService overSecond = served();
        assertNotNull(overSecond);
        assertFalse(overFirst == overSecond, "a new service over the other storage");
        callThrough(overSecond);
        assertEquals(1, secondRaw.calls().size(), "bound to the remaining raw storage");
        assertEquals(2, txn.requests().size(), "and still to the same transactional one");
        // Metrics survive the change of storage.
        assertTrue(overFirst.metrics() == overSecond.metrics());
    }

    @Test
    void followsTheRemainingTxnStorageWhenTheBoundOneLeaves() throws Exception {
        FakeTxnStorage firstTxn = new FakeTxnStorage();
        FakeTxnStorage secondTxn = new FakeTxnStorage();
        register(new FakeRawStorage(), 0);
        ServiceRegistration<TxnStorage> first = registerTxn(firstTxn, 0);
        TikvService overFirst = served();
        registerTxn(secondTxn, 10);
        assertTrue(served() == overFirst, "a better-ranked newcomer does not interrupt serving");
        callThrough(overFirst);
        assertEquals(1, firstTxn.requests().size());

        first.unregister();
        TikvService overSecond = served();
        assertNotNull(overSecond);
        assertFalse(overFirst == overSecond);
        callThrough(overSecond);
        assertEquals(1, secondTxn.requests().size(), "bound to the remaining transactional storage");
        assertEquals(1, context.getServiceReferences(BindableService.class, null).size());
    }

    /** Storages of both kinds come and go on two threads at once; afterwards the registration matches what is left. */
    @Test
    void storagesComingAndGoingConcurrentlyLeaveAConsistentRegistration() throws Exception {
        int rounds = 200;
        CountDownLatch go = new CountDownLatch(1);
        Thread rawChurn = new Thread(() -> churn(go, rounds, () -> register(new FakeRawStorage(), 0)));
        Thread txnChurn = new Thread(() -> churn(go, rounds, () -> registerTxn(new FakeTxnStorage(), 0)));
        rawChurn.start();
        txnChurn.start();
        go.countDown();
        rawChurn.join(60_000);
        txnChurn.join(60_000);
        assertFalse(rawChurn.isAlive() || txnChurn.isAlive(), "churn did not finish");
        // Each thread leaves one registration of its kind behind.
        assertNotNull(served(), "both kinds are left: served");
        assertEquals(1, context.getServiceReferences(BindableService.class, null).size());
        callThrough(served());
    }

    /** Registers and unregisters {@code rounds} times, leaving the last registration in place. */
    private static void churn(CountDownLatch go, int rounds, java.util.function.Supplier<ServiceRegistration<?>> register) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (int i = 0; i < rounds; i++) {
            register.get().unregister();
        }
        register.get();
    }

    @Test
    void stoppingUnregisters() throws Exception {
        register(new FakeRawStorage(), 0);
        registerTxn(new FakeTxnStorage(), 0);
        assertNotNull(served());
        activator.stop(context);
        assertNull(served());
        assertFalse(activator.registered());
        assertNull(context.getServiceReference(BindableService.class), "not even the stand-in once stopped");
    }

    /** The one published service's definition, served on loopback while {@code body} runs against it. */
    private void serveOnLoopback(Consumer<TikvGrpc.TikvBlockingStub> body) throws Exception {
        Collection<ServiceReference<BindableService>> refs = context.getServiceReferences(BindableService.class, null);
        assertEquals(1, refs.size(), "one tikvpb.Tikv at a time");
        ServiceReference<BindableService> ref = refs.iterator().next();
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(context.getService(ref).bindService()).build().start();
        ManagedChannel channel = NettyChannelBuilder
                .forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        try {
            body.accept(TikvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
            context.ungetService(ref);
        }
    }

    @Test
    void whileTheStoreDoesNotServeEveryMethodAnswersUnavailableWhichClientsRetry() throws Exception {
        serveOnLoopback(stub -> {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class, () -> stub.kvPrewrite(Kvrpcpb.PrewriteRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        });

        register(new FakeRawStorage(), 0);
        ServiceRegistration<TxnStorage> txn = registerTxn(new FakeTxnStorage(), 0);
        serveOnLoopback(stub -> assertTrue(stub.rawGet(Kvrpcpb.RawGetRequest.getDefaultInstance()).getNotFound(),
                "served by the storage now"));

        txn.unregister();
        serveOnLoopback(stub -> {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class, () -> stub.rawGet(Kvrpcpb.RawGetRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "the stand-in is back");
        });
    }

    private ServiceRegistration<RaftMessageReceiver> registerReceiver(RaftMessageReceiver receiver, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(RaftMessageReceiver.class, receiver, props);
    }

    @Test
    void theRaftRpcsFollowTheBestRankedReceiverWithoutReRegistering() {
        register(new FakeRawStorage(), 0);
        registerTxn(new FakeTxnStorage(), 0);
        TikvService service = served();
        assertNull(service.raftReceiver(), "no store yet");

        FakeRaftReceiver low = new FakeRaftReceiver();
        FakeRaftReceiver high = new FakeRaftReceiver();
        ServiceRegistration<RaftMessageReceiver> lowReg = registerReceiver(low, 0);
        assertTrue(service.raftReceiver() == low);
        ServiceRegistration<RaftMessageReceiver> highReg = registerReceiver(high, 5);
        assertTrue(service.raftReceiver() == high, "the better ranked one");
        assertTrue(served() == service, "the gRPC service stayed registered as it was");

        highReg.unregister();
        assertTrue(service.raftReceiver() == low, "back to the remaining one");
        lowReg.unregister();
        assertNull(service.raftReceiver(), "none left: the Raft RPCs answer UNAVAILABLE");
    }

    @Test
    void aReceiverRegisteredBeforeTheStorageIsSeenByTheNewService() {
        FakeRaftReceiver receiver = new FakeRaftReceiver();
        registerReceiver(receiver, 0);
        register(new FakeRawStorage(), 0);
        registerTxn(new FakeTxnStorage(), 0);
        assertTrue(served().raftReceiver() == receiver);
    }
}
