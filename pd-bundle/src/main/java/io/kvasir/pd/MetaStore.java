package io.kvasir.pd;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * The PD's persistent key space: column family {@code raft}, keys {@code 0x02} followed by a
 * readable name such as {@code pd/cluster_id}. Region-local store metadata uses prefix 0x01 and user
 * data {@code z}, so a node that runs both a PD and a store in one engine keeps them apart.
 *
 * <p>Numbers are stored as 8 bytes big-endian; ids inside names are 20-digit zero-padded decimals,
 * so that names sort by id and stay readable in a dump.
 */
final class MetaStore {
    static final byte PREFIX = 0x02;
    static final ColumnFamily CF = ColumnFamily.RAFT;

    private final KvEngine engine;

    MetaStore(KvEngine engine) {
        this.engine = engine;
    }

    /** The engine key of {@code name}. */
    static byte[] key(String name) {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        return key(text);
    }

    /** The engine key of a name given as bytes (e.g. a prefix followed by a binary service id). */
    static byte[] key(byte[] name) {
        byte[] key = new byte[name.length + 1];
        key[0] = PREFIX;
        System.arraycopy(name, 0, key, 1, name.length);
        return key;
    }

    /** {@code prefix} followed by {@code id} as an unsigned 20-digit decimal. */
    static String idName(String prefix, long id) {
        String digits = Long.toUnsignedString(id);
        return prefix + "0".repeat(20 - digits.length()) + digits;
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    static long decodeLong(String name, byte[] value) {
        if (value.length != Long.BYTES) {
            throw new IllegalStateException("PD key " + name + " holds " + value.length + " bytes, expected 8");
        }
        return ByteBuffer.wrap(value).getLong();
    }

    /** The value stored under {@code name}, or null. */
    byte[] get(String name) {
        return engine.get(CF, key(name));
    }

    OptionalLong getLong(String name) {
        byte[] value = get(name);
        return value == null ? OptionalLong.empty() : OptionalLong.of(decodeLong(name, value));
    }

    void putLong(String name, long value, WriteOptions options) {
        engine.put(CF, key(name), encodeLong(value), options);
    }

    /** Every entry whose name starts with {@code namePrefix}, in key order; keys are returned without the 0x02 byte. */
    List<Entry> scan(String namePrefix) {
        byte[] lower = key(namePrefix);
        byte[] upper = Arrays.copyOf(lower, lower.length);
        // Names are ASCII, so the last byte of a prefix is below 0xff and can be incremented.
        upper[upper.length - 1]++;
        List<Entry> entries = new ArrayList<>();
        try (EngineIterator it = engine.newIterator(CF, IterOptions.range(lower, upper))) {
            for (boolean valid = it.seekToFirst(); valid; valid = it.next()) {
                byte[] key = it.key();
                entries.add(new Entry(Arrays.copyOfRange(key, 1, key.length), it.value()));
            }
        }
        return entries;
    }

    /** A new batch of writes to the PD key space; the caller closes it. */
    Batch batch() {
        return new Batch(engine.newWriteBatch());
    }

    /** One stored entry; {@code name} is the key without the 0x02 prefix. */
    record Entry(byte[] name, byte[] value) {
    }

    /** An atomic group of writes to the PD key space. */
    final class Batch implements AutoCloseable {
        private final WriteBatch batch;

        private Batch(WriteBatch batch) {
            this.batch = batch;
        }

        Batch put(String name, byte[] value) {
            batch.put(CF, key(name), value);
            return this;
        }

        Batch put(byte[] name, byte[] value) {
            batch.put(CF, key(name), value);
            return this;
        }

        Batch delete(String name) {
            batch.delete(CF, key(name));
            return this;
        }

        Batch delete(byte[] name) {
            batch.delete(CF, key(name));
            return this;
        }

        boolean isEmpty() {
            return batch.isEmpty();
        }

        void commit(WriteOptions options) {
            if (!batch.isEmpty()) {
                engine.write(batch, options);
            }
        }

        @Override
        public void close() {
            batch.close();
        }
    }
}
