package io.kvasir.kernel.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.kvasir.kernel.BundleInfo;
import io.kvasir.kernel.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's status HTTP server, for operators and the CLI: {@code GET /status},
 * {@code /bundles} and {@code /config} (the effective config, as TiKV's /config shows it) answer
 * JSON, rendered by typesafe-config so that the CLI can parse them back with it; {@code /metrics}
 * answers the Prometheus text format, on TiKV's status port as TiKV does.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final int THREADS = 2;

    /** What the server shows; read afresh on every request. */
    public interface Source {
        /** "starting", "running", "stopping" or "stopped". */
        String state();

        List<BundleInfo> bundles();

        Config config();

        /** The node's metrics, which bundles add to. */
        PrometheusRegistry metrics();
    }

    private static final String JSON = "application/json; charset=utf-8";

    private record Route(String contentType, Supplier<String> body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Route> routes = new LinkedHashMap<>();

    private StatusServer(HttpServer server, ExecutorService executor, Source source) {
        this.server = server;
        this.executor = executor;
        routes.put("/status", new Route(JSON, () -> json(Map.of("state", source.state()))));
        routes.put("/bundles", new Route(JSON, () -> bundlesJson(source.bundles())));
        routes.put("/config", new Route(JSON, () -> source.config().root().render(ConfigRenderOptions.concise())));
        routes.put("/metrics", new Route(PrometheusTextFormatWriter.CONTENT_TYPE, () -> prometheusText(source.metrics())));
    }

    /**
     * Binds and starts the server.
     *
     * @param key the config key {@code addr} came from, for error messages
     * @throws io.kvasir.kernel.KernelStartupException naming {@code key} if it cannot listen
     */
    public static StatusServer start(HostPort addr, String key, Source source) {
        InetSocketAddress socketAddress = addr.toBindableAddress(key);
        HttpServer http;
        try {
            http = HttpServer.create(socketAddress, 0);
        } catch (IOException e) {
            throw addr.cannotListen(key, e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        StatusServer status = new StatusServer(http, executor, source);
        http.createContext("/", status::handle);
        http.setExecutor(executor);
        http.start();
        return status;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "kvasir-status-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {"bundles": [...]}: an object at the root, because typesafe-config parses only objects. */
    static String bundlesJson(List<BundleInfo> bundles) {
        List<Map<String, Object>> rows = bundles.stream().map(b -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", b.id());
            row.put("symbolic-name", b.symbolicName());
            row.put("version", b.version());
            row.put("state", b.state());
            return row;
        }).toList();
        return json(Map.of("bundles", rows));
    }

    private static String json(Map<String, ?> value) {
        return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
    }

    private static String prometheusText(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Route route = routes.get(exchange.getRequestURI().getPath());
            if (route == null) {
                send(exchange, 404, JSON, json(Map.of("error", "not found")));
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "GET");
                send(exchange, 405, JSON, json(Map.of("error", "method not allowed")));
            } else {
                String body;
                try {
                    body = route.body().get();
                } catch (RuntimeException e) {
                    // E.g. /bundles while the framework is stopping.
                    LOG.warn("status request {} failed: {}", exchange.getRequestURI(), e.toString());
                    send(exchange, 500, JSON, json(Map.of("error", String.valueOf(e.getMessage()))));
                    return;
                }
                send(exchange, 200, route.contentType(), body);
            }
        }
    }

    private static void send(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
