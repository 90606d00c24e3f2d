package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.grpc.BindableService;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import java.nio.file.Path;
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
 * The activator in a real embedded Felix, driven through the system bundle's context: the
 * configuration and engine services are registered as the kernel and an engine bundle would.
 */
class PdActivatorTest {
    @TempDir
    Path dir;
    Felix framework;
    BundleContext context;

    @BeforeEach
    void startFramework() throws Exception {
        framework = new Felix(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("felix-cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "felix.service.urlhandlers", "false"));
        framework.start();
        context = framework.getBundleContext();
    }

    @AfterEach
    void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    private void registerConfig(String overrides) {
        Config config = ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseString("server.addr = \"127.0.0.1:20160\""))
                .withFallback(ConfigFactory.parseResources(PdActivatorTest.class.getClassLoader(), "reference.conf"))
                .resolve();
        context.registerService(Config.class, config, null);
    }

    private BindableService served() {
        ServiceReference<BindableService> ref = context.getServiceReference(BindableService.class);
        return ref == null ? null : context.getService(ref);
    }

    @Test
    void aBadSettingFailsStartNamingTheKey() {
        registerConfig("pd.tso-save-interval = -5s");
        ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> new PdActivator().start(context));
        assertTrue(e.getMessage().contains("pd.tso-save-interval"), e.getMessage());
    }

    @Test
    void theServiceIsServedWhileAnEngineIsThereAndWithdrawnWhenItGoes() throws Exception {
        registerConfig("pd.name = pd-test");
        PdActivator activator = new PdActivator();
        activator.start(context);
        assertNull(served(), "no engine yet, so no PD");
        try (RocksDbEngine engine = RocksDbEngine.open(dir.resolve("engine"), PdTestCluster.ENGINE_OPTIONS)) {
            ServiceRegistration<KvEngine> registration = context.registerService(KvEngine.class, engine, null);
            BindableService service = served();
            assertNotNull(service, "the engine appeared, so the PD must be served");
            assertEquals("pdpb.PD", service.bindService().getServiceDescriptor().getName());
            registration.unregister();
            assertNull(served(), "the engine went away, so the PD must be withdrawn");
            context.registerService(KvEngine.class, engine, null);
            assertNotNull(served(), "the engine came back");
            activator.stop(context);
            assertNull(served(), "stop withdraws the service");
        }
    }
}
