package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCacheTest {

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.newBuilder().setIndex(i).setTerm(term).build());
        }
        return out;
    }

    @Test
    void keepsTheLastEntriesUpToCapacity() {
        EntryCache cache = new EntryCache(4);
        cache.append(entries(6, 8, 1));
        cache.append(entries(9, 11, 1));
        assertEquals(4, cache.size());
        assertEquals(8, cache.firstIndex());
        assertEquals(11, cache.lastIndex());
        assertNull(cache.get(7));
        assertEquals(10, cache.get(10).getIndex());
        assertEquals(entries(9, 10, 1), cache.slice(9, 11));
        assertNull(cache.slice(7, 9));
    }

    @Test
    void aNewLeadersEntriesReplaceTheTail() {
        EntryCache cache = new EntryCache(8);
        cache.append(entries(6, 10, 1));
        cache.append(entries(8, 9, 2));
        assertEquals(9, cache.lastIndex());
        assertEquals(1, cache.get(7).getTerm());
        assertEquals(2, cache.get(8).getTerm());
        assertNull(cache.get(10));
    }

    @Test
    void aGapOrAnOverwriteOfEverythingStartsOver() {
        EntryCache cache = new EntryCache(8);
        cache.append(entries(6, 7, 1));
        cache.append(entries(9, 9, 1));
        assertEquals(1, cache.size());
        assertEquals(9, cache.firstIndex());
        cache.append(entries(5, 6, 3));
        assertEquals(5, cache.firstIndex());
        assertEquals(6, cache.lastIndex());
    }

    @Test
    void compactionDropsTheFront() {
        EntryCache cache = new EntryCache(8);
        cache.append(entries(6, 10, 1));
        cache.compactTo(8);
        assertEquals(9, cache.firstIndex());
        cache.compactTo(20);
        assertTrue(cache.isEmpty());
        assertNull(cache.get(9));
    }
}
