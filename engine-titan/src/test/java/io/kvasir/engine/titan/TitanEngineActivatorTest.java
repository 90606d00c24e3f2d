package io.kvasir.engine.titan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteOptions;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/** The activator against a minimal in-memory BundleContext holding one Config service. */
class TitanEngineActivatorTest {

    @TempDir
    Path tmp;

    /** Records what the activator registers; answers only the calls the activator makes. */
    private static final class FakeContext {
        final Config config;
        Object registered;
        Dictionary<?, ?> properties;
        boolean unregistered;
        int gets;
        int ungets;

        FakeContext(Config config) {
            this.config = config;
        }

        BundleContext context() {
            ServiceReference<?> reference = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> null);
            ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                        if (method.getName().equals("unregister")) {
                            unregistered = true;
                        }
                        return null;
                    });
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getServiceReference" -> args[0] == Config.class && config != null ? reference : null;
                        case "getService" -> {
                            gets++;
                            yield config;
                        }
                        case "ungetService" -> {
                            ungets++;
                            yield true;
                        }
                        case "registerService" -> {
                            assertEquals(KvEngine.class, args[0]);
                            registered = args[1];
                            properties = (Dictionary<?, ?>) args[2];
                            yield registration;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @Test
    void startOpensAndRegistersTheEngineStopClosesIt() {
        FakeContext fake = new FakeContext(ConfigFactory.parseString("storage.data-dir = \"" + tmp + "\"\ntitan.min-blob-size = 2KiB"));
        BundleContext context = fake.context();
        TitanEngineActivator activator = new TitanEngineActivator();
        activator.start(context);
        KvEngine engine = (KvEngine) fake.registered;
        assertNotNull(engine);
        assertEquals("titan", fake.properties.get(KvEngine.ENGINE_NAME));
        assertEquals(tmp.resolve("titan"), engine.path());
        assertTrue(Files.isDirectory(tmp.resolve("titan").resolve("lsm")));
        assertEquals(2 << 10, ((TitanEngine) engine).options().minBlobSize());
        assertEquals(fake.gets, fake.ungets, "the Config service is released after start");
        engine.put(ColumnFamily.DEFAULT, new byte[] {1}, new byte[4 << 10], WriteOptions.SYNC);
        assertTrue(Files.isDirectory(tmp.resolve("titan").resolve("blobs")));

        activator.stop(context);
        assertTrue(fake.unregistered);
        EngineException e = assertThrows(EngineException.class, () -> engine.get(ColumnFamily.DEFAULT, new byte[] {1}));
        assertEquals(EngineException.Code.CLOSED, e.code());
    }

    @Test
    void badValueFailsStartNamingTheKeyAndRegistersNothing() {
        FakeContext fake = new FakeContext(ConfigFactory.parseString("storage.data-dir = \"" + tmp + "\"\ntitan.blob-file-discardable-ratio = 7"));
        ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> new TitanEngineActivator().start(fake.context()));
        assertTrue(e.getMessage().contains("titan.blob-file-discardable-ratio"), e.getMessage());
        assertNull(fake.registered);
        assertEquals(fake.gets, fake.ungets);
    }

    @Test
    void missingConfigServiceIsReported() {
        FakeContext fake = new FakeContext(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TitanEngineActivator().start(fake.context()));
        assertTrue(e.getMessage().contains("com.typesafe.config.Config"), e.getMessage());
    }
}
