package io.kvasir.bench.ycsb;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tikv.raw.RawKVClient;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.shade.com.google.protobuf.UnsafeByteOperations;

/**
 * {@link RawKv} over one shared {@code RawKVClient}, which is safe for concurrent use. Arrays are
 * wrapped without a copy: the runner never changes an array after handing it over.
 */
final class TikvRawKv implements RawKv {

    private final RawKVClient client;

    TikvRawKv(RawKVClient client) {
        this.client = client;
    }

    @Override
    public int get(byte[] key) {
        Optional<ByteString> value = client.get(wrap(key));
        return value.map(ByteString::size).orElse(-1);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        client.put(wrap(key), wrap(value));
    }

    @Override
    public void batchPut(List<byte[]> keys, List<byte[]> values) {
        Map<ByteString, ByteString> pairs = new HashMap<>(keys.size() * 2);
        for (int i = 0; i < keys.size(); i++) {
            pairs.put(wrap(keys.get(i)), wrap(values.get(i)));
        }
        client.batchPut(pairs);
    }

    @Override
    public int scan(byte[] startKey, int limit) {
        return client.scan(wrap(startKey), limit).size();
    }

    private static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }
}
