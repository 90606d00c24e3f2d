package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.kvasir.kvproto.Kvrpcpb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.BytePairWrapper;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.common.region.TiRegion;
import org.tikv.common.util.ConcreteBackOffer;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.txn.TwoPhaseCommitter;

/**
 * Distributed GC on the 3-store playground, with PD moving the safe point itself (a short GC life
 * time): every store's GC worker collects the regions it leads. Old versions go, the newest one a
 * read at the safe point sees stays, a secondary left locked by a committed transaction is
 * committed, an abandoned transaction is rolled back, and each store shows its progress on
 * {@code /metrics}.
 */
class DistributedGcTest {
    /** PD keeps 2 s of history and moves the safe point every second; stores ask every second. */
    static final String FAST_GC = "-Dpd.gc.life-time=2s -Dpd.gc.advance-interval=1s -Dgc.poll-safe-point-interval=1s";
    static final int BACKOFF_MS = 20_000;

    @TempDir
    Path data;

    @Test
    void oldVersionsAndOldLocksAreCollectedByEveryStoreOverItsOwnRegions() throws Exception {
        try (Playground playground = Playground.startWithJvmOptions(FAST_GC, data, "--stores", "3")) {
            TiConfiguration conf = TiConfiguration.createDefault(playground.pdAddress());
            try (TiSession session = TiSession.create(conf)) {
                for (int version = 1; version <= 4; version++) {
                    commit(session, "gc/versions", "v" + version);
                }
                // A transaction whose primary committed but whose secondary was never committed.
                try (TwoPhaseCommitter c = new TwoPhaseCommitter(session, now(session))) {
                    c.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(BACKOFF_MS), bytes("gc/primary"), bytes("p"));
                    c.prewriteSecondaryKeys(bytes("gc/primary"),
                            List.of(new BytePairWrapper(bytes("gc/secondary"), bytes("s"))).iterator(), BACKOFF_MS);
                    c.commitPrimaryKey(ConcreteBackOffer.newCustomBackOff(BACKOFF_MS), bytes("gc/primary"), now(session));
                }
                // A transaction abandoned after its prewrite, with a TTL far longer than the test.
                try (TwoPhaseCommitter c = new TwoPhaseCommitter(session, now(session), 3_600_000)) {
                    c.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(BACKOFF_MS), bytes("gc/abandoned"), bytes("a"));
                }

                awaitTrue(() -> writes(session, "gc/versions").size() == 1 && !locked(session, "gc/secondary")
                        && !locked(session, "gc/abandoned"), Duration.ofSeconds(60),
                        () -> "GC collected: versions " + writes(session, "gc/versions") + ", secondary locked "
                                + locked(session, "gc/secondary") + ", abandoned locked " + locked(session, "gc/abandoned"));

                assertEquals("v4", session.createSnapshot().get(ByteString.copyFromUtf8("gc/versions")).toStringUtf8(),
                        "the newest version stays");
                assertEquals("s", session.createSnapshot().get(ByteString.copyFromUtf8("gc/secondary")).toStringUtf8(),
                        "the secondary was committed, as its primary was");
                assertTrue(session.createSnapshot().get(ByteString.copyFromUtf8("gc/abandoned")).isEmpty(),
                        "the abandoned transaction was rolled back");

                String metrics = metricsOfLeader(session, "gc/versions");
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("tikv_gcworker_autogc_safe_point ")
                        && Double.parseDouble(l.substring(l.indexOf(' ') + 1)) > 0), metrics);
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("kvasir_gc_region_safe_point{")), metrics);
                assertTrue(metrics.lines().anyMatch(l -> l.startsWith("kvasir_gc_locks_resolved ")
                        && Double.parseDouble(l.substring(l.indexOf(' ') + 1)) >= 0), metrics);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long now(TiSession session) {
        return session.getTimestamp().getVersion();
    }

    private static void commit(TiSession session, String key, String value) throws Exception {
        try (TwoPhaseCommitter c = new TwoPhaseCommitter(session, now(session))) {
            c.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(BACKOFF_MS), bytes(key), bytes(value));
            c.commitPrimaryKey(ConcreteBackOffer.newCustomBackOff(BACKOFF_MS), bytes(key), now(session));
        }
    }

    /** What the leader of the key's region holds about it, asked with MvccGetByKey. */
    private static Kvrpcpb.MvccInfo mvcc(TiSession session, String key) {
        LeaderRoute route = LeaderRoute.of(session, key);
        ManagedChannel channel = route.channel();
        try {
            Kvrpcpb.MvccGetByKeyResponse r = LeaderRoute.stub(channel, 5).mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest
                    .newBuilder().setContext(route.context()).setKey(com.google.protobuf.ByteString.copyFromUtf8(key))
                    .build());
            if (r.hasRegionError() || !r.getError().isEmpty()) {
                throw new IllegalStateException("MvccGetByKey " + key + ": " + r);
            }
            return r.getInfo();
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<Long> writes(TiSession session, String key) {
        return mvcc(session, key).getWritesList().stream().map(Kvrpcpb.MvccWrite::getCommitTs).toList();
    }

    private static boolean locked(TiSession session, String key) {
        return mvcc(session, key).hasLock();
    }

    private static String metricsOfLeader(TiSession session, String key) throws Exception {
        TiRegion region = session.getRegionManager().getRegionByKey(ByteString.copyFromUtf8(key));
        String status = session.getRegionManager().getStoreById(region.getLeader().getStoreId()).getStore()
                .getStatusAddress();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + status
                + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static void awaitTrue(Supplier<Boolean> condition, Duration timeout, Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                if (condition.get()) {
                    return;
                }
                last = why.get();
            } catch (RuntimeException e) {
                last = e.toString(); // a leader moving between the lookup and the call
            }
            Thread.sleep(500);
        }
        assertFalse(true, "not within " + timeout + ": " + last);
    }
}
