package io.kvasir.kernel.status;

import com.typesafe.config.Config;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.BundleInfo;
import io.kvasir.kernel.config.HostPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusServerTest {
    static final List<BundleInfo> BUNDLES = List.of(
            new BundleInfo(0, "org.apache.felix.framework", "7.0.5", "ACTIVE"),
            new BundleInfo(1, "io.kvasir.engine.rocksdb", "0.1.0.SNAPSHOT", "RESOLVED"));
    static final Config CONFIG = ConfigFactory.parseString(
            "server { addr = \"127.0.0.1:20160\", grpc-max-recv-msg-len = 64MiB }\nquote = \"a \\\"b\\\"\"");

    static final PrometheusRegistry METRICS = new PrometheusRegistry();
    static final Counter REQUESTS = Counter.builder().name("kvasir_test_requests").help("requests seen")
            .labelNames("type").register(METRICS);
    static StatusServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = StatusServer.start(new HostPort("127.0.0.1", 0), "server.status-addr", new StatusServer.Source() {
            @Override
            public String state() {
                return "running";
            }

            @Override
            public List<BundleInfo> bundles() {
                return BUNDLES;
            }

            @Override
            public Config config() {
                return CONFIG;
            }

            @Override
            public PrometheusRegistry metrics() {
                return METRICS;
            }
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
        return CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bundlesAsJson() throws Exception {
        HttpResponse<String> response = get("/bundles");
        assertEquals(200, response.statusCode());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        List<? extends Config> bundles = ConfigFactory.parseString(response.body()).getConfigList("bundles");
        assertEquals(2, bundles.size());
        Config engine = bundles.get(1);
        assertEquals(1, engine.getLong("id"));
        assertEquals("io.kvasir.engine.rocksdb", engine.getString("symbolic-name"));
        assertEquals("0.1.0.SNAPSHOT", engine.getString("version"));
        assertEquals("RESOLVED", engine.getString("state"));
    }

    @Test
    void configAsJson() throws Exception {
        HttpResponse<String> response = get("/config");
        assertEquals(200, response.statusCode());
        Config parsed = ConfigFactory.parseString(response.body());
        assertEquals("127.0.0.1:20160", parsed.getString("server.addr"));
        assertEquals(64L * 1024 * 1024, parsed.getBytes("server.grpc-max-recv-msg-len"));
        assertEquals("a \"b\"", parsed.getString("quote"));
    }

    @Test
    void statusAndUnknownPaths() throws Exception {
        assertEquals("running", ConfigFactory.parseString(get("/status").body()).getString("state"));
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(404, get("/").statusCode());
        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/bundles"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        REQUESTS.labelValues("raw_get").inc(3);
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        assertTrue(r.body().contains("# TYPE kvasir_test_requests_total counter"), r.body());
        assertTrue(r.body().contains("kvasir_test_requests_total{type=\"raw_get\"} 3.0"), r.body());
    }
}
