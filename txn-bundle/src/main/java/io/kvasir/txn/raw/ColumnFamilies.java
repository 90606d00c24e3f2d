package io.kvasir.txn.raw;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.txn.api.RawStorageException;

/** Column family names as raw requests carry them. */
final class ColumnFamilies {
    private ColumnFamilies() {
    }

    /** "" and "default" are the default CF; raw requests may also address "lock" and "write", as in TiKV. */
    static ColumnFamily parse(String name) {
        return switch (name) {
            case "", "default" -> ColumnFamily.DEFAULT;
            case "lock" -> ColumnFamily.LOCK;
            case "write" -> ColumnFamily.WRITE;
            default -> throw new RawStorageException(RawStorageException.Kind.INVALID_ARGUMENT,
                    "unknown column family '" + name + "'; raw requests may use default, lock or write");
        };
    }

    /** The name a raft command carries. */
    static String commandName(ColumnFamily cf) {
        return cf == ColumnFamily.DEFAULT ? "" : cf.cfName();
    }
}
