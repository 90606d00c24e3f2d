package io.kvasir.kernel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.KernelStartupException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSettingsTest {
    private static final Config REFERENCE = ConfigLoader.kernelReference(KernelSettingsTest.class.getClassLoader());

    private static KernelSettings settings(String nodeConf) {
        return KernelSettings.from(ConfigFactory.parseString(nodeConf).withFallback(REFERENCE).resolve());
    }

    private static String failure(String nodeConf) {
        String message = assertThrows(KernelStartupException.class, () -> settings(nodeConf)).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    @Test
    void defaultsAreTikvs() {
        KernelSettings s = settings("");
        assertEquals(new HostPort("127.0.0.1", 20160), s.grpcAddress());
        assertEquals(new HostPort("127.0.0.1", 20180), s.statusAddress());
        assertEquals(64 * 1024 * 1024, s.grpcMaxRecvMsgLen());
        assertEquals(Duration.ofSeconds(5), s.grpcKeepAlivePermitTime());
        assertEquals("rocksdb", s.engine());
        assertEquals(Duration.ofSeconds(30), s.shutdownTimeout());
    }

    @Test
    void invalidAddressNamesTheKey() {
        assertEquals("server.addr: expected host:port, got 'abc'", failure("server.addr = abc"));
        assertEquals("server.status-addr: expected host:port, got 'localhost:x'",
                failure("server.status-addr = \"localhost:x\""));
        assertEquals("server.addr: port must be 0-65535, got 'h:70000'", failure("server.addr = \"h:70000\""));
    }

    @Test
    void ipv6AddressesParse() {
        assertEquals(new HostPort("::1", 7), HostPort.parse("k", "[::1]:7"));
        assertEquals("[::1]:7", new HostPort("::1", 7).toString());
    }

    @Test
    void wrongTypeNamesTheKey() {
        String message = failure("server.grpc-max-recv-msg-len = lots");
        assertTrue(message.startsWith("config error: "), message);
        assertTrue(message.contains("server.grpc-max-recv-msg-len"), message);

        assertTrue(failure("server.grpc-max-recv-msg-len = [1]").contains("server.grpc-max-recv-msg-len"));
        assertTrue(failure("kernel.shutdown-timeout = soon").contains("kernel.shutdown-timeout"));
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        assertEquals("server.grpc-max-recv-msg-len: must be between 1 byte and 2047MiB, got 3221225472 bytes",
                failure("server.grpc-max-recv-msg-len = 3GiB"));
        assertEquals("kernel.shutdown-timeout: must be positive, got PT0S", failure("kernel.shutdown-timeout = 0s"));
        assertEquals("storage.engine: must not be empty", failure("storage.engine = \"\""));
    }
}
