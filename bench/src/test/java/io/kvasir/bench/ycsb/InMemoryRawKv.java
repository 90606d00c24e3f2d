package io.kvasir.bench.ycsb;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A sorted in-memory {@link RawKv} that counts its calls and can fail every n-th one. */
final class InMemoryRawKv implements RawKv {

    final ConcurrentSkipListMap<byte[], byte[]> data = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    final AtomicLong calls = new AtomicLong();
    private final int failEvery;

    InMemoryRawKv() {
        this(0);
    }

    /** Every {@code failEvery}-th call throws (0: never). */
    InMemoryRawKv(int failEvery) {
        this.failEvery = failEvery;
    }

    @Override
    public int get(byte[] key) {
        call();
        byte[] v = data.get(key);
        return v == null ? -1 : v.length;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        call();
        data.put(key, value);
    }

    @Override
    public void batchPut(List<byte[]> keys, List<byte[]> values) {
        call();
        for (int i = 0; i < keys.size(); i++) {
            data.put(keys.get(i), values.get(i));
        }
    }

    @Override
    public int scan(byte[] startKey, int limit) {
        call();
        int n = 0;
        for (Map.Entry<byte[], byte[]> ignored : data.tailMap(startKey, true).entrySet()) {
            if (n == limit) {
                break;
            }
            n++;
        }
        return n;
    }

    private void call() {
        long n = calls.incrementAndGet();
        if (failEvery > 0 && n % failEvery == 0) {
            throw new IllegalStateException("injected failure");
        }
    }
}
