package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.common.exception.RawCASConflictException;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.raw.RawKVClient;
import org.tikv.shade.com.google.protobuf.ByteString;

/**
 * The official TiKV Java client, unmodified, against {@code kvasir playground}: every RawKV
 * operation it offers, with the results TiKV gives. Each test uses its own key prefix.
 */
class RawKvClientTest {
    @TempDir
    static Path data;
    static Playground playground;
    static TiSession session;
    static RawKVClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        playground = Playground.start(data.resolve("playground"));
        TiConfiguration conf = TiConfiguration.createRawDefault(playground.pdAddress());
        conf.setEnableAtomicForCAS(true);
        session = TiSession.create(conf);
        client = session.createRawClient();
        splitIntoManyRegions();
    }

    /**
     * Every test below runs on data spread over well over 100 regions (issue 5): the key space is
     * split with the client's own SplitRegion call at every letter and inside each test's prefix,
     * so scans, batches and deletes cross region boundaries.
     */
    static void splitIntoManyRegions() throws Exception {
        List<byte[]> splitKeys = new java.util.ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            splitKeys.add(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (String prefix : List.of("bad", "basic", "batch", "big", "cas", "dr", "inv", "page", "pgd", "scan", "ttl")) {
            for (String suffix : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "c", "f", "k", "p")) {
                splitKeys.add((prefix + "/" + suffix).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        session.splitRegionAndScatter(splitKeys);
        long regions = PdRegions.count(playground.pdAddress());
        assertTrue(regions >= 100, "only " + regions + " regions after splitting");
        // The new regions elect their leaders right after the split; the tests start once every
        // one of them serves a read.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        for (byte[] key : splitKeys) {
            while (true) {
                try {
                    client.get(ByteString.copyFrom(key));
                    break;
                } catch (RuntimeException notYet) {
                    assertTrue(System.nanoTime() < deadline, "region of " + new String(key) + " never served: " + notYet);
                }
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (client != null) {
            client.close();
        }
        if (session != null) {
            session.close();
        }
        if (playground != null) {
            int exit = playground.stop();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + ":\n" + playground.output());
            assertTrue(playground.output().contains("Kvasir playground stopped"), playground.output());
            playground.close();
        }
    }

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static List<String> keys(List<Kvrpcpb.KvPair> pairs) {
        return pairs.stream().map(p -> p.getKey().toStringUtf8()).toList();
    }

    @Test
    void putGetDelete() {
        assertEquals(Optional.empty(), client.get(bs("pgd/a")));
        client.put(bs("pgd/a"), bs("1"));
        assertEquals(Optional.of(bs("1")), client.get(bs("pgd/a")));
        client.put(bs("pgd/a"), bs("2"));
        assertEquals(Optional.of(bs("2")), client.get(bs("pgd/a")));
        client.put(bs("pgd/empty"), ByteString.EMPTY);
        assertEquals(Optional.of(ByteString.EMPTY), client.get(bs("pgd/empty")), "an empty value is a value");
        client.delete(bs("pgd/a"));
        assertEquals(Optional.empty(), client.get(bs("pgd/a")));
        client.delete(bs("pgd/never-written"));
    }

    @Test
    void aReadForwardedThroughAFollowerStoreIsAnsweredByTheLeader() throws Exception {
        client.put(bs("fwd/k"), bs("through-the-proxy"));
        ForwardingProbe.Forwarded forwarded = null;
        // A leader that moves between the lookup and the call answers not_leader: look again.
        for (int attempt = 0; attempt < 5; attempt++) {
            forwarded = ForwardingProbe.rawGetThroughAFollower(playground.pdAddress(), "fwd/k");
            if (!forwarded.response().hasRegionError()) {
                break;
            }
            Thread.sleep(200);
        }
        assertFalse(forwarded.response().hasRegionError(), "via store " + forwarded.viaStore() + " to "
                + forwarded.leaderStore() + ": " + forwarded.response());
        assertEquals("through-the-proxy", forwarded.response().getValue().toStringUtf8());
    }

    @Test
    void batchesReturnOnlyExistingKeys() {
        Map<ByteString, ByteString> pairs = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            pairs.put(bs(String.format("batch/%03d", i)), bs("v" + i));
        }
        client.batchPut(pairs);
        List<ByteString> wanted = new ArrayList<>(List.of(bs("batch/000"), bs("batch/150"), bs("batch/missing"), bs("batch/299")));
        List<Kvrpcpb.KvPair> got = client.batchGet(wanted);
        assertEquals(List.of("batch/000", "batch/150", "batch/299"), keys(got).stream().sorted().toList());
        got.forEach(p -> assertEquals("v" + Integer.parseInt(p.getKey().toStringUtf8().substring(6)), p.getValue().toStringUtf8()));

        client.batchDelete(new ArrayList<>(List.of(bs("batch/000"), bs("batch/150"))));
        assertEquals(List.of("batch/299"), keys(client.batchGet(wanted)));
    }

    @Test
    void scansHonourLimitsEndKeysAndKeyOnly() {
        Map<ByteString, ByteString> pairs = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            pairs.put(bs(String.format("scan/%03d", i)), bs("v" + i));
        }
        client.batchPut(pairs);
        List<Kvrpcpb.KvPair> first10 = client.scan(bs("scan/"), 10);
        assertEquals(10, first10.size());
        assertEquals("scan/000", first10.get(0).getKey().toStringUtf8());
        assertEquals("scan/009", first10.get(9).getKey().toStringUtf8());

        List<Kvrpcpb.KvPair> bounded = client.scan(bs("scan/020"), bs("scan/030"), 100);
        assertEquals(10, bounded.size());
        assertEquals("scan/029", bounded.get(9).getKey().toStringUtf8());

        List<Kvrpcpb.KvPair> keyOnly = client.scan(bs("scan/050"), bs("scan/053"), 10, true);
        assertEquals(List.of("scan/050", "scan/051", "scan/052"), keys(keyOnly));
        keyOnly.forEach(p -> assertTrue(p.getValue().isEmpty()));

        assertEquals(100, client.scanPrefix(bs("scan/")).size());
        assertEquals(100, client.scan(bs("scan/"), bs("scan0")).size(), "an unlimited scan pages through the region");
        assertEquals(List.of(), client.scan(bs("scan/100"), bs("scan/200"), 10));
    }

    @Test
    void unlimitedScanPagesPastTheServerPageOf10240() {
        Map<ByteString, ByteString> pairs = new HashMap<>();
        for (int i = 0; i < 10_500; i++) {
            pairs.put(bs(String.format("page/%05d", i)), bs("x"));
            if (pairs.size() == 2_000) {
                client.batchPut(pairs);
                pairs.clear();
            }
        }
        client.batchPut(pairs);
        List<Kvrpcpb.KvPair> all = client.scan(bs("page/"), bs("page0"));
        assertEquals(10_500, all.size());
        assertEquals("page/10499", all.get(all.size() - 1).getKey().toStringUtf8());
    }

    @Test
    void deleteRangeAndPrefix() {
        Map<ByteString, ByteString> pairs = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            pairs.put(bs(String.format("dr/%02d", i)), bs("v"));
        }
        pairs.put(bs("dr0"), bs("outside"));
        client.batchPut(pairs);
        client.deleteRange(bs("dr/05"), bs("dr/10"));
        List<String> left = keys(client.scanPrefix(bs("dr/")));
        assertEquals(15, left.size());
        assertFalse(left.contains("dr/05"));
        assertFalse(left.contains("dr/09"));
        assertTrue(left.contains("dr/10"));
        client.deletePrefix(bs("dr/"));
        assertEquals(List.of(), client.scanPrefix(bs("dr/")));
        assertEquals(Optional.of(bs("outside")), client.get(bs("dr0")), "the range's end is exclusive");
    }

    @Test
    void compareAndSwap() {
        assertEquals(Optional.empty(), client.putIfAbsent(bs("cas/k"), bs("1")));
        assertEquals(Optional.of(bs("1")), client.putIfAbsent(bs("cas/k"), bs("2")), "present: not written, old value back");
        assertEquals(Optional.of(bs("1")), client.get(bs("cas/k")));

        client.compareAndSet(bs("cas/k"), Optional.of(bs("1")), bs("3"));
        assertEquals(Optional.of(bs("3")), client.get(bs("cas/k")));
        assertThrows(RawCASConflictException.class, () -> client.compareAndSet(bs("cas/k"), Optional.of(bs("1")), bs("4")));
        assertThrows(RawCASConflictException.class, () -> client.compareAndSet(bs("cas/k"), Optional.empty(), bs("4")));
        assertEquals(Optional.of(bs("3")), client.get(bs("cas/k")), "a failed CAS writes nothing");
    }

    @Test
    void ttlExpiry() throws InterruptedException {
        client.put(bs("ttl/short"), bs("v"), 2);
        client.put(bs("ttl/none"), bs("v"));
        Optional<Long> ttl = client.getKeyTTL(bs("ttl/short"));
        assertTrue(ttl.isPresent() && ttl.get() >= 1 && ttl.get() <= 2, "ttl " + ttl);
        assertEquals(Optional.of(0L), client.getKeyTTL(bs("ttl/none")), "a key without TTL answers 0");
        assertEquals(Optional.empty(), client.getKeyTTL(bs("ttl/absent")));
        assertEquals(Optional.of(bs("v")), client.get(bs("ttl/short")));
        Thread.sleep(3_100);
        assertEquals(Optional.empty(), client.get(bs("ttl/short")));
        assertEquals(Optional.empty(), client.getKeyTTL(bs("ttl/short")));
        assertEquals(List.of("ttl/none"), keys(client.scanPrefix(bs("ttl/"))), "scans skip expired keys");
        assertEquals(Optional.of(bs("v")), client.get(bs("ttl/none")));
    }

    @Test
    void oneMebibyteValues() {
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        client.put(bs("big/1"), ByteString.copyFrom(big));
        assertArrayEquals(big, client.get(bs("big/1")).orElseThrow().toByteArray());
        Map<ByteString, ByteString> pairs = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            pairs.put(bs("big/batch" + i), ByteString.copyFrom(big));
        }
        client.batchPut(pairs);
        assertEquals(3, client.batchGet(new ArrayList<>(pairs.keySet())).size());
    }

    @Test
    void oversizeValueFailsClearlyAndWritesNothing() {
        byte[] tooBig = new byte[9 << 20]; // above raftstore.raft-entry-max-size (8 MiB)
        RuntimeException e = assertThrows(RuntimeException.class, () -> client.put(bs("bad/oversize"), ByteString.copyFrom(tooBig)));
        assertTrue(messages(e).contains("raft entry is too large") || messages(e).contains("RaftEntryTooLarge")
                || messages(e).contains("raft_entry_too_large"), messages(e));
        assertEquals(Optional.empty(), client.get(bs("bad/oversize")));
        client.put(bs("bad/after"), bs("still serving"));
        assertEquals(Optional.of(bs("still serving")), client.get(bs("bad/after")));
    }

    @Test
    void theEmptyKeyIsAKeyAsInTikv() {
        // The client's own warm-up reads and writes the empty key; TiKV accepts it, so must we.
        client.put(ByteString.EMPTY, bs("empty-key"));
        assertEquals(Optional.of(bs("empty-key")), client.get(ByteString.EMPTY));
        client.delete(ByteString.EMPTY);
        assertEquals(Optional.empty(), client.get(ByteString.EMPTY));
    }

    @Test
    void invertedScanRangeReturnsNothingAndChangesNothing() {
        client.put(bs("inv/b"), bs("v"));
        List<Kvrpcpb.KvPair> r;
        try {
            r = client.scan(bs("inv/z"), bs("inv/a"), 10);
        } catch (RuntimeException e) {
            r = List.of();
        }
        assertEquals(List.of(), r);
        assertEquals(Optional.of(bs("v")), client.get(bs("inv/b")));
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append(" | ");
        }
        return all.toString();
    }
}
