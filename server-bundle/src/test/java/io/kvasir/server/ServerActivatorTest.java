package io.kvasir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.BindableService;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.txn.api.RawStorage;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
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
 * while a RawStorage service exists, and follows the storage when it changes; its Raft RPCs follow
 * the best-ranked RaftMessageReceiver service, without re-registering.
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

    private TikvService served() {
        ServiceReference<BindableService> ref = context.getServiceReference(BindableService.class);
        if (ref == null) {
            return null;
        }
        BindableService s = context.getService(ref);
        try {
            return assertInstanceOf(TikvService.class, s);
        } finally {
            context.ungetService(ref);
        }
    }

    private ServiceRegistration<RawStorage> register(RawStorage storage, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(RawStorage.class, storage, props);
    }

    @Test
    void servesExactlyWhileAStorageExists() throws Exception {
        assertNull(served(), "no storage, no service");
        ServiceRegistration<RawStorage> storage = register(new FakeRawStorage(), 0);
        assertNotNull(served());
        assertTrue(activator.registered());
        assertEquals("tikvpb.Tikv", served().bindService().getServiceDescriptor().getName());

        storage.unregister();
        assertNull(served(), "storage gone, service gone");
        assertFalse(activator.registered());

        register(new FakeRawStorage(), 0);
        assertNotNull(served(), "and back");
    }

    @Test
    void followsTheRemainingStorageWhenTheBoundOneLeaves() throws Exception {
        ServiceRegistration<RawStorage> first = register(new FakeRawStorage(), 10);
        TikvService overFirst = served();
        register(new FakeRawStorage(), 0);
        assertEquals(1, context.getServiceReferences(BindableService.class, null).size(), "one service, not one per storage");

        first.unregister();
        TikvService overSecond = served();
        assertNotNull(overSecond);
        assertFalse(overFirst == overSecond, "a new service over the other storage");
        // Metrics survive the change of storage.
        assertTrue(overFirst.metrics() == overSecond.metrics());
    }

    @Test
    void stoppingUnregisters() throws Exception {
        register(new FakeRawStorage(), 0);
        assertNotNull(served());
        activator.stop(context);
        assertNull(served());
        assertFalse(activator.registered());
    }

    private ServiceRegistration<RaftMessageReceiver> registerReceiver(RaftMessageReceiver receiver, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, ranking);
        return context.registerService(RaftMessageReceiver.class, receiver, props);
    }

    @Test
    void theRaftRpcsFollowTheBestRankedReceiverWithoutReRegistering() {
        register(new FakeRawStorage(), 0);
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
        assertTrue(served().raftReceiver() == receiver);
    }
}
