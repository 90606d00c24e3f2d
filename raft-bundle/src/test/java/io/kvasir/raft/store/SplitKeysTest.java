package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.kvasir.raft.api.MemComparable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SplitKeysTest {

    private static byte[] withTs(byte[] encoded, long ts) {
        byte[] out = Arrays.copyOf(encoded, encoded.length + 8);
        ByteBuffer.wrap(out, encoded.length, 8).putLong(~ts);
        return out;
    }

    @Test
    void aVersionOfAnEncodedUserKeyIsCutAtTheUserKey() {
        byte[] encoded = MemComparable.encode("account-0042".getBytes());
        assertArrayEquals(encoded, SplitKeys.atUserKey(withTs(encoded, 424242)));
        assertArrayEquals(encoded, SplitKeys.atUserKey(withTs(encoded, 1)), "every version: the same cut");
    }

    @Test
    void otherKeysAreLeftAlone() {
        byte[] raw = "raw-key".getBytes();
        assertArrayEquals(raw, SplitKeys.atUserKey(raw));
        byte[] encodedNoTs = MemComparable.encode("k".getBytes());
        assertArrayEquals(encodedNoTs, SplitKeys.atUserKey(encodedNoTs));
        byte[] seventeen = "seventeen bytes!!".getBytes(); // the right length, not an encoding
        assertArrayEquals(seventeen, SplitKeys.atUserKey(seventeen));
    }
}
