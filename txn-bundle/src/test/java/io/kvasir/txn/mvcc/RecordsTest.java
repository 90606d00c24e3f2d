package io.kvasir.txn.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lock and write records in TiKV's bytes, both ways. */
class RecordsTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void aPutLockWithAShortValueIsTiKVsBytes() {
        Lock lock = Lock.of(Lock.LockType.PUT, "pk".getBytes(), 1, 10, "v".getBytes());
        // 'P', compact bytes "pk" (zigzag length 4), start_ts 1, ttl 10, 'v' len 1 "v"
        assertArrayEquals(hex("50 04 706b 01 0a 76 01 76"), lock.toBytes());
        assertEquals(lock, Lock.parse(lock.toBytes()));
    }

    @Test
    void everyOptionalLockFieldRoundTripsInOrder() {
        Lock lock = Lock.of(Lock.LockType.PESSIMISTIC, "primary".getBytes(), 400_000_000_000L, 3_000, null)
                .withForUpdateTs(400_000_000_005L).withTxnSize(16).withMinCommitTs(400_000_000_001L)
                .withAsyncCommit(List.of("s1".getBytes(), "s2".getBytes())).withRollbackTs(List.of(7L, 9L));
        Lock back = Lock.parse(lock.toBytes());
        assertEquals(lock, back);
        assertEquals(16, back.txnSize());
        assertEquals(2, back.secondaries().size());
        assertEquals(List.of(7L, 9L), back.rollbackTs());
        byte[] bytes = lock.toBytes();
        assertEquals('S', bytes[0]);
        // for_update_ts: 'f' and 8 bytes big-endian, right after the ttl varint
        int f = indexOf(bytes, (byte) 'f');
        assertTrue(f > 0 && bytes[f + 8] == (byte) (400_000_000_005L & 0xFF), Arrays.toString(bytes));
    }

    @Test
    void aNewerVersionsFieldStopsTheParseAndKeepsWhatCameBefore() {
        byte[] known = Lock.of(Lock.LockType.DELETE, "p".getBytes(), 5, 6, null).withTxnSize(3).toBytes();
        byte[] withFuture = Arrays.copyOf(known, known.length + 3);
        withFuture[known.length] = 'Z';
        Lock parsed = Lock.parse(withFuture);
        assertEquals(3, parsed.txnSize());
        assertEquals(Lock.LockType.DELETE, parsed.type());
    }

    @Test
    void malformedRecordsAreRefusedNamingTheField() {
        assertThrows(BadRecordException.class, () -> Lock.parse(new byte[0]));
        assertThrows(BadRecordException.class, () -> Lock.parse(hex("58")));
        BadRecordException e = assertThrows(BadRecordException.class, () -> Lock.parse(hex("50 40 70")));
        assertTrue(e.getMessage().contains("primary key"), e.getMessage());
        assertThrows(BadRecordException.class, () -> Write.parse(hex("50 ffffffffffffffffffff")));
        assertThrows(BadRecordException.class, () -> Write.parse(hex("50 05 76 03 61")));
    }

    @Test
    void writeRecordsAreTiKVsBytes() {
        Write put = Write.of(Write.WriteType.PUT, 5, "ab".getBytes());
        assertArrayEquals(hex("50 05 76 02 6162"), put.toBytes());
        assertEquals(put, Write.parse(put.toBytes()));
        Write rollback = Write.rollback(300, true);
        assertArrayEquals(hex("52 ac02 76 01 70"), rollback.toBytes());
        assertTrue(Write.parse(rollback.toBytes()).isProtectedRollback());
        Write folded = Write.of(Write.WriteType.DELETE, 9, null).withOverlappedRollback(0);
        assertArrayEquals(hex("44 09 52 46 0000000000000000"), folded.toBytes());
        Write back = Write.parse(folded.toBytes());
        assertTrue(back.overlappedRollback());
        assertEquals(0, back.gcFence());
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
