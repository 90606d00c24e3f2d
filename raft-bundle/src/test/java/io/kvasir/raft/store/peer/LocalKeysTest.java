package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LocalKeysTest {

    private static final long REGION = 0x0102030405060708L;

    @Test
    void keysHaveTiKvBytes() {
        assertArrayEquals(new byte[] {1, 1}, LocalKeys.storeIdentKey());
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0, 0, 0, 0, 0, 0, 0, 9},
                LocalKeys.raftLogKey(REGION, 9));
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 2}, LocalKeys.raftStateKey(REGION));
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 3}, LocalKeys.applyStateKey(REGION));
        assertArrayEquals(new byte[] {1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 1}, LocalKeys.regionStateKey(REGION));
    }

    @Test
    void logKeysSortByIndexInsideTheRegionsLogRange() {
        byte[] k5 = LocalKeys.raftLogKey(7, 5);
        byte[] k256 = LocalKeys.raftLogKey(7, 256);
        byte[] kMax = LocalKeys.raftLogKey(7, -1L); // the largest unsigned index
        assertTrue(Arrays.compareUnsigned(k5, k256) < 0);
        assertTrue(Arrays.compareUnsigned(k256, kMax) < 0);
        for (byte[] k : new byte[][] {k5, k256, kMax}) {
            assertTrue(between(k, LocalKeys.raftLogStart(7), LocalKeys.raftLogEnd(7)));
            assertTrue(between(k, LocalKeys.regionRaftPrefix(7), LocalKeys.regionRaftPrefixEnd(7)));
            assertFalse(between(k, LocalKeys.regionRaftPrefix(8), LocalKeys.regionRaftPrefixEnd(8)));
        }
        assertFalse(between(LocalKeys.raftStateKey(7), LocalKeys.raftLogStart(7), LocalKeys.raftLogEnd(7)));
        assertTrue(between(LocalKeys.raftStateKey(7), LocalKeys.regionRaftPrefix(7), LocalKeys.regionRaftPrefixEnd(7)));
        assertTrue(between(LocalKeys.applyStateKey(7), LocalKeys.regionRaftPrefix(7), LocalKeys.regionRaftPrefixEnd(7)));
        assertEquals(256, LocalKeys.raftLogIndex(7, k256));
        assertThrows(IllegalArgumentException.class, () -> LocalKeys.raftLogIndex(8, k256));
        assertThrows(IllegalArgumentException.class, () -> LocalKeys.raftLogIndex(7, LocalKeys.raftStateKey(7)));
    }

    @Test
    void regionStateKeysAreRecognisedAndBounded() {
        byte[] key = LocalKeys.regionStateKey(REGION);
        assertTrue(LocalKeys.isRegionStateKey(key));
        assertEquals(REGION, LocalKeys.regionIdOfStateKey(key));
        assertTrue(between(key, LocalKeys.regionStateMinKey(), LocalKeys.regionStateMaxKey()));
        assertTrue(between(key, LocalKeys.regionMetaPrefix(REGION), LocalKeys.regionMetaPrefixEnd(REGION)));
        assertFalse(LocalKeys.isRegionStateKey(LocalKeys.raftStateKey(REGION)));
        assertFalse(between(LocalKeys.raftStateKey(REGION), LocalKeys.regionStateMinKey(), LocalKeys.regionStateMaxKey()));
    }

    @Test
    void prefixEndOfTheLargestRegionIdIsTheNextKind() {
        assertArrayEquals(new byte[] {1, 3}, LocalKeys.regionRaftPrefixEnd(-1L));
        assertArrayEquals(new byte[] {1, 4}, LocalKeys.regionMetaPrefixEnd(-1L));
        assertTrue(between(LocalKeys.raftLogKey(-1L, 3), LocalKeys.regionRaftPrefix(-1L), LocalKeys.regionRaftPrefixEnd(-1L)));
    }

    @Test
    void everyLocalKeySortsBeforeData() {
        byte[] dataMin = {'z'};
        assertTrue(Arrays.compareUnsigned(LocalKeys.regionMetaPrefixEnd(-1L), dataMin) < 0);
    }

    private static boolean between(byte[] key, byte[] start, byte[] end) {
        return Arrays.compareUnsigned(key, start) >= 0 && Arrays.compareUnsigned(key, end) < 0;
    }
}
