package io.kvasir.engine.api;

import java.util.List;

/**
 * The column families every engine provides, named as in TiKV so that tools and docs carry over.
 * {@code default}, {@code lock} and {@code write} hold user data (raw values, and the three parts
 * of Percolator's MVCC layout); {@code raft} holds region-local state and, when the Raft log shares
 * the engine, the log.
 */
public enum ColumnFamily {
    DEFAULT("default"),
    LOCK("lock"),
    WRITE("write"),
    RAFT("raft");

    /** The column families holding user data, in the order TiKV lists them. */
    public static final List<ColumnFamily> DATA = List.of(DEFAULT, LOCK, WRITE);

    private final String cfName;

    ColumnFamily(String cfName) {
        this.cfName = cfName;
    }

    /** TiKV's name for this column family, e.g. {@code "default"}. */
    public String cfName() {
        return cfName;
    }

    /** The column family named {@code name}, or an {@link EngineException.Code#INVALID_ARGUMENT} error. */
    public static ColumnFamily fromName(String name) {
        for (ColumnFamily cf : values()) {
            if (cf.cfName.equals(name)) {
                return cf;
            }
        }
        throw EngineException.invalidArgument("unknown column family '%s' (known: default, lock, write, raft)", name);
    }
}
