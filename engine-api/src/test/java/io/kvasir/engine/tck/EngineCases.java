package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.api.Scannable;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What every group of cases shares: a fresh engine per test, and small readable helpers. */
abstract class EngineCases {
    protected static final ColumnFamily DEFAULT = ColumnFamily.DEFAULT;
    protected static final ColumnFamily LOCK = ColumnFamily.LOCK;
    protected static final ColumnFamily WRITE = ColumnFamily.WRITE;
    protected static final ColumnFamily RAFT = ColumnFamily.RAFT;

    private final EngineTck suite;
    private final List<KvEngine> opened = new ArrayList<>();

    @TempDir
    protected Path tmp;

    protected KvEngine engine;

    protected EngineCases(EngineTck suite) {
        this.suite = suite;
    }

    @BeforeEach
    void openEngine() {
        engine = open(factory(), "engine");
    }

    @AfterEach
    void closeEngines() {
        for (KvEngine e : opened) {
            e.close();
        }
    }

    protected KvEngineFactory factory() {
        return suite.factory();
    }

    protected KvEngineFactory peerFactory() {
        return suite.peerFactory();
    }

    /** Opens an engine in a sub-directory of this test's temporary directory; closed after the test. */
    protected KvEngine open(KvEngineFactory factory, String name) {
        KvEngine e = factory.open(tmp.resolve(name));
        opened.add(e);
        return e;
    }

    /** Closes the engine under test and opens it again on the same files. */
    protected KvEngine reopen() {
        Path path = engine.path();
        engine.close();
        engine = factory().open(path);
        opened.add(engine);
        return engine;
    }

    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String s(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    protected void put(ColumnFamily cf, String key, String value) {
        engine.put(cf, b(key), b(value), WriteOptions.NO_SYNC);
    }

    protected void putAll(ColumnFamily cf, String... keyValues) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < keyValues.length; i += 2) {
                batch.put(cf, b(keyValues[i]), b(keyValues[i + 1]));
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
    }

    protected String get(ColumnFamily cf, String key) {
        return s(engine.get(cf, b(key)));
    }

    protected void assertValue(ColumnFamily cf, String key, String expected) {
        assertEquals(expected, get(cf, key), "value of " + key + " in " + cf.cfName());
    }

    protected void assertAbsent(ColumnFamily cf, String key) {
        assertNull(engine.get(cf, b(key)), key + " should be absent from " + cf.cfName());
    }

    /** Every pair of {@code cf} within {@code options}, read forwards, as strings. */
    protected static Map<String, String> contents(Scannable source, ColumnFamily cf, IterOptions options) {
        Map<String, String> out = new TreeMap<>();
        try (EngineIterator it = source.newIterator(cf, options)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                out.put(s(it.key()), s(it.value()));
            }
        }
        return out;
    }

    protected static Map<String, String> contents(Scannable source, ColumnFamily cf) {
        return contents(source, cf, IterOptions.ALL);
    }

    /** Keys of {@code cf} in iteration order, forwards. */
    protected static List<String> keys(Scannable source, ColumnFamily cf, IterOptions options) {
        List<String> out = new ArrayList<>();
        try (EngineIterator it = source.newIterator(cf, options)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                out.add(s(it.key()));
            }
        }
        return out;
    }

    protected static EngineException assertEngineError(EngineException.Code code, Executable call) {
        EngineException e = assertThrows(EngineException.class, call);
        assertEquals(code, e.code(), () -> "wrong code for: " + e.getMessage());
        return e;
    }

    protected static void assertBytes(byte[] expected, byte[] actual, String what) {
        assertArrayEquals(expected, actual, what);
    }
}
