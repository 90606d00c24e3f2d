package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineException.Code;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/** Maps RocksDB's status codes onto the engine API's stable codes, once, here. */
final class RocksDbErrors {

    private RocksDbErrors() {
    }

    static EngineException translate(String what, RocksDBException e) {
        Status status = e.getStatus();
        Status.Code code = status == null ? Status.Code.Undefined : status.getCode();
        String message = what + ": " + e.getMessage();
        return switch (code) {
            case Corruption -> new EngineException(Code.CORRUPTION, message, e);
            case InvalidArgument, NotSupported, NotFound -> new EngineException(Code.INVALID_ARGUMENT, message, e);
            case IOError -> isNoSpace(status) ? new EngineException(Code.NO_SPACE, message, e) : new EngineException(Code.IO, message, e);
            default -> new EngineException(Code.INTERNAL, message, e);
        };
    }

    private static boolean isNoSpace(Status status) {
        return status.getSubCode() == Status.SubCode.NoSpace
                || (status.getState() != null && status.getState().contains("No space"));
    }
}
