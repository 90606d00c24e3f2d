package io.kvasir.kernel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.config.HostPort;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code kvasir bundles [--status HOST:PORT]}: asks a running node's status server for its bundles. */
public record BundlesCommand(String statusAddress) implements Command {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Override
    public int run(PrintStream out, PrintStream err) {
        HostPort addr = HostPort.parse("--status", statusAddress);
        HttpResponse<String> response;
        try {
            response = fetch(addr);
        } catch (IOException e) {
            err.println("no node answers at " + addr + " (is it running?)");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("node at " + addr + " answered HTTP " + response.statusCode() + ": " + response.body());
            return 1;
        }
        try {
            out.print(table(ConfigFactory.parseString(response.body()).getConfigList("bundles")));
            return 0;
        } catch (ConfigException e) {
            err.println("node at " + addr + " sent an unreadable bundle list: " + e.getMessage());
            return 1;
        }
    }

    private static HttpResponse<String> fetch(HostPort addr) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + addr + "/bundles"))
                .timeout(TIMEOUT).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String table(List<? extends Config> bundles) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "STATE", "SYMBOLIC NAME", "VERSION"});
        for (Config b : bundles) {
            rows.add(new String[] {String.valueOf(b.getLong("id")), b.getString("state"),
                b.getString("symbolic-name"), b.getString("version")});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            String line = String.format("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s",
                    (Object[]) row);
            text.append(line.stripTrailing()).append(System.lineSeparator());
        }
        return text.toString();
    }
}
