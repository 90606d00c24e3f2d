package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Iterators: bounds, positioning in both directions, deleted ranges, and a model check. */
abstract class IteratorCases extends EngineCases {

    IteratorCases(EngineTck suite) {
        super(suite);
    }

    private void fiveKeys() {
        putAll(DEFAULT, "b", "1", "d", "2", "f", "3", "h", "4", "j", "5");
    }

    @Test
    void forwardAndBackwardOverEverything() {
        fiveKeys();
        assertEquals(List.of("b", "d", "f", "h", "j"), keys(engine, DEFAULT, IterOptions.ALL));
        List<String> backwards = new ArrayList<>();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            for (boolean ok = it.seekToLast(); ok; ok = it.prev()) {
                backwards.add(s(it.key()));
            }
        }
        assertEquals(List.of("j", "h", "f", "d", "b"), backwards);
    }

    @Test
    void boundsAtExactKeysAreLowerInclusiveUpperExclusive() {
        fiveKeys();
        assertEquals(List.of("d", "f", "h"), keys(engine, DEFAULT, IterOptions.range(b("d"), b("j"))));
        try (EngineIterator it = engine.newIterator(DEFAULT, IterOptions.range(b("d"), b("j")))) {
            assertTrue(it.seekToLast());
            assertEquals("h", s(it.key()));
            assertTrue(it.seekToFirst());
            assertEquals("d", s(it.key()));
            assertFalse(it.prev());
        }
    }

    @Test
    void boundsBetweenKeys() {
        fiveKeys();
        assertEquals(List.of("d", "f"), keys(engine, DEFAULT, IterOptions.range(b("c"), b("g"))));
        assertEquals(List.of("h", "j"), keys(engine, DEFAULT, IterOptions.range(b("g"), null)));
        assertEquals(List.of("b"), keys(engine, DEFAULT, IterOptions.range(null, b("c"))));
        assertEquals(List.of(), keys(engine, DEFAULT, IterOptions.range(b("k"), null)));
        assertEquals(List.of(), keys(engine, DEFAULT, IterOptions.range(b("e"), b("e"))));
    }

    @Test
    void seekFindsTheFirstKeyAtOrAfter() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            assertTrue(it.seek(b("d")));
            assertEquals("d", s(it.key()));
            assertEquals("2", s(it.value()));
            assertTrue(it.seek(b("e")));
            assertEquals("f", s(it.key()));
            assertTrue(it.seek(b("")));
            assertEquals("b", s(it.key()));
            assertFalse(it.seek(b("k")));
            assertFalse(it.valid());
        }
    }

    @Test
    void seekForPrevFindsTheLastKeyAtOrBefore() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            assertTrue(it.seekForPrev(b("d")));
            assertEquals("d", s(it.key()));
            assertTrue(it.seekForPrev(b("e")));
            assertEquals("d", s(it.key()));
            assertTrue(it.seekForPrev(b("zzz")));
            assertEquals("j", s(it.key()));
            assertFalse(it.seekForPrev(b("a")));
        }
    }

    @Test
    void seeksOutsideTheBoundsClampToThem() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT, IterOptions.range(b("d"), b("h")))) {
            assertTrue(it.seek(b("a")));
            assertEquals("d", s(it.key()));
            assertFalse(it.seek(b("h")));
            assertTrue(it.seekForPrev(b("z")));
            assertEquals("f", s(it.key()));
            assertFalse(it.seekForPrev(b("c")));
            assertTrue(it.seekForPrev(b("d")));
            assertEquals("d", s(it.key()));
            assertTrue(it.next());
            assertEquals("f", s(it.key()));
            assertFalse(it.next());
        }
    }

    @Test
    void directionChangesMidway() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            it.seek(b("f"));
            assertTrue(it.next());
            assertEquals("h", s(it.key()));
            assertTrue(it.prev());
            assertEquals("f", s(it.key()));
            assertTrue(it.prev());
            assertEquals("d", s(it.key()));
            assertTrue(it.next());
            assertEquals("f", s(it.key()));
        }
    }

    @Test
    void deletedRangesAndKeysAreSkippedBothWays() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < 100; i++) {
                batch.put(DEFAULT, b(String.format("k%03d", i)), b("v"));
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.deleteRange(DEFAULT, b("k010"), b("k090"));
            batch.delete(DEFAULT, b("k005"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        List<String> forward = keys(engine, DEFAULT, IterOptions.ALL);
        assertEquals(19, forward.size());
        assertEquals("k009", forward.get(8));
        assertEquals("k090", forward.get(9));
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            assertTrue(it.seekForPrev(b("k050")));
            assertEquals("k009", s(it.key()));
            assertTrue(it.seek(b("k050")));
            assertEquals("k090", s(it.key()));
        }
        try (EngineIterator it = engine.newIterator(DEFAULT, IterOptions.range(b("k010"), b("k090")))) {
            assertFalse(it.seekToFirst());
            assertFalse(it.seekToLast());
        }
    }

    @Test
    void iteratorDoesNotSeeLaterWrites() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            putAll(DEFAULT, "c", "new", "b", "changed");
            engine.delete(DEFAULT, b("d"), WriteOptions.NO_SYNC);
            List<String> seen = new ArrayList<>();
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                seen.add(s(it.key()) + "=" + s(it.value()));
            }
            assertEquals(List.of("b=1", "d=2", "f=3", "h=4", "j=5"), seen);
        }
    }

    @Test
    void unpositionedIteratorRefusesReads() {
        fiveKeys();
        try (EngineIterator it = engine.newIterator(DEFAULT)) {
            assertFalse(it.valid());
            assertEngineError(Code.INVALID_STATE, it::key);
            assertEngineError(Code.INVALID_STATE, it::value);
            assertEngineError(Code.INVALID_STATE, it::next);
            it.seek(b("z"));
            assertEngineError(Code.INVALID_STATE, it::prev);
        }
    }

    @Test
    void closedIteratorRefusesEverything() {
        fiveKeys();
        EngineIterator it = engine.newIterator(DEFAULT);
        it.seekToFirst();
        it.close();
        it.close();
        assertEngineError(Code.CLOSED, it::seekToFirst);
        assertEngineError(Code.CLOSED, it::key);
    }

    @Test
    void emptyColumnFamily() {
        try (EngineIterator it = engine.newIterator(LOCK)) {
            assertFalse(it.seekToFirst());
            assertFalse(it.seekToLast());
            assertFalse(it.seek(b("a")));
            assertFalse(it.seekForPrev(b("a")));
        }
    }

    /**
     * Random writes, deletes and delete-ranges over a small key space, then random iterator walks
     * with random bounds, each checked against a sorted map. The seed is in every failure message.
     */
    @Test
    void matchesASortedMapModel() {
        long seed = Long.getLong("kvasir.tck.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dkvasir.tck.seed=" + seed + ")";
        Random random = new Random(seed);
        NavigableMap<String, String> model = new TreeMap<>();
        for (int round = 0; round < 30; round++) {
            try (WriteBatch batch = engine.newWriteBatch()) {
                for (int op = 0; op < 20; op++) {
                    String key = randomKey(random);
                    int kind = random.nextInt(10);
                    if (kind < 6) {
                        String value = "v" + random.nextInt(1000);
                        batch.put(DEFAULT, hex(key), b(value));
                        model.put(key, value);
                    } else if (kind < 9) {
                        batch.delete(DEFAULT, hex(key));
                        model.remove(key);
                    } else {
                        String other = randomKey(random);
                        String lo = key.compareTo(other) <= 0 ? key : other;
                        String hi = key.compareTo(other) <= 0 ? other : key;
                        batch.deleteRange(DEFAULT, hex(lo), hex(hi));
                        model.subMap(lo, true, hi, false).clear();
                    }
                }
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            checkWalks(random, model, context + ", round " + round);
        }
    }

    private void checkWalks(Random random, NavigableMap<String, String> model, String context) {
        for (int walk = 0; walk < 10; walk++) {
            String lo = random.nextInt(4) == 0 ? null : randomKey(random);
            String hi = random.nextInt(4) == 0 ? null : randomKey(random);
            if (lo != null && hi != null && lo.compareTo(hi) > 0) {
                String t = lo;
                lo = hi;
                hi = t;
            }
            NavigableMap<String, String> view = model;
            if (lo != null) {
                view = view.tailMap(lo, true);
            }
            if (hi != null) {
                view = view.headMap(hi, false);
            }
            try (EngineIterator it = engine.newIterator(DEFAULT, IterOptions.range(lo == null ? null : hex(lo), hi == null ? null : hex(hi)))) {
                String target = randomKey(random);
                boolean forward = random.nextBoolean();
                Map.Entry<String, String> expected = forward ? view.ceilingEntry(target) : view.floorEntry(target);
                boolean ok = forward ? it.seek(hex(target)) : it.seekForPrev(hex(target));
                for (int step = 0; step < 8; step++) {
                    String where = context + ", walk " + walk + " step " + step + " bounds [" + lo + "," + hi + ") target " + target;
                    assertEquals(expected != null, ok, where);
                    if (expected == null) {
                        break;
                    }
                    assertEquals(expected.getKey(), HexFormat.of().formatHex(it.key()), where);
                    assertEquals(expected.getValue(), s(it.value()), where);
                    boolean next = random.nextBoolean();
                    expected = next ? view.higherEntry(expected.getKey()) : view.lowerEntry(expected.getKey());
                    ok = next ? it.next() : it.prev();
                }
            }
        }
    }

    /** Hex strings sort like the bytes they encode, so the model's string order is the engine's byte order. */
    private static String randomKey(Random random) {
        byte[] key = new byte[1 + random.nextInt(3)];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (random.nextInt(6) * 51);
        }
        return HexFormat.of().formatHex(key);
    }

    private static byte[] hex(String key) {
        return HexFormat.of().parseHex(key);
    }

    @Test
    void nextOfAKeyIsItsImmediateSuccessor() {
        put(DEFAULT, "a", "1");
        engine.put(DEFAULT, Keys.next(b("a")), b("2"), WriteOptions.NO_SYNC);
        put(DEFAULT, "b", "3");
        assertEquals(List.of("a"), keys(engine, DEFAULT, IterOptions.range(null, Keys.next(b("a")))));
    }
}
