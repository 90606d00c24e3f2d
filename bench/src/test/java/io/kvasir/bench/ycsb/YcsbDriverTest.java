package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.shade.com.google.protobuf.ByteString;

/** The whole driver through the real RawKVClient against {@link FakeTikvCluster}. */
class YcsbDriverTest {

    @TempDir
    Path dir;

    @Test
    void runsEveryWorkloadThroughTheClientAndAppendsTheReport() throws Exception {
        Path out = dir.resolve("results/ycsb.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "# earlier\n\n");
        try (FakeTikvCluster cluster = new FakeTikvCluster()) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int code = YcsbDriver.run(new String[] {
                "--pd", cluster.pdAddress(), "--workload", "A,B,C,E", "--records", "3000", "--value-size", "100",
                "--threads", "4", "--duration", "0.5", "--warmup", "0.2", "--scan-length", "20",
                "--connect-timeout", "20", "--out", out.toString(), "--label", "fake cluster",
            }, print(stdout), print(stderr));
            String err = stderr.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, err);
            assertTrue(!err.contains("error:"), err);

            // Every record was loaded with a 100-byte value; E's inserts went beyond them.
            assertEquals(100, cluster.data.get(ByteString.copyFrom(KeySpace.key(0))).size());
            assertEquals(100, cluster.data.get(ByteString.copyFrom(KeySpace.key(2999))).size());
            long loaded = cluster.data.headMap(ByteString.copyFrom(KeySpace.key(3000))).size();
            assertEquals(3000, loaded);
            assertTrue(cluster.data.size() > 3000, "E inserted nothing");
            assertTrue(cluster.data.keySet().stream().noneMatch(k -> k.toStringUtf8().equals("ycsb-probe")),
                    "the probe key is deleted");
        }
        String md = Files.readString(out);
        assertTrue(md.startsWith("# earlier\n\n## YCSB: fake cluster ("), md);
        assertTrue(md.contains("\n" + ResultReport.MARKDOWN_HEADER + "\n"), md);
        for (String row : List.of("load | batchPut", "A | read", "A | update", "B | read", "B | update", "C | read",
                "E | scan", "E | insert")) {
            Matcher m = Pattern.compile("\\| " + Pattern.quote(row) + " \\| ([0-9.]+) \\|.* \\| (\\d+) \\|\n").matcher(md);
            assertTrue(m.find(), row + " missing in\n" + md);
            assertTrue(Double.parseDouble(m.group(1)) > 0, row + " has no throughput");
            assertEquals("0", m.group(2), row + " has errors");
        }
        assertTrue(md.contains("- load: 3000 records in "), md);
        assertTrue(!md.contains("found no value"), md);
    }

    @Test
    void aClusterThatNeverAnswersEndsTheRunWithExitCode1() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = YcsbDriver.run(new String[] {"--pd", "127.0.0.1:1", "--connect-timeout", "0"},
                print(new ByteArrayOutputStream()), print(stderr));
        assertEquals(1, code);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("did not answer within"), stderr.toString());
    }

    @Test
    void badCommandLinesEndWithExitCode2AndUsage() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        assertEquals(2, YcsbDriver.run(new String[] {"--pd", "h:1", "--bogus", "1"},
                print(new ByteArrayOutputStream()), print(stderr)));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).startsWith("error: unknown option --bogus\nUsage:"));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
