package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineException.Code;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;

/**
 * Maps lmdbjava's exceptions onto {@link EngineException} codes, in one place. Messages name the
 * operation and LMDB's reason, never a key or value.
 */
final class LmdbErrors {
    /** errno values LMDB passes through from the operating system. */
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int ENOMEM = 12;

    private LmdbErrors() {
    }

    /** The engine error for {@code e}, raised while doing {@code what}. */
    static EngineException wrap(String what, RuntimeException e) {
        if (e instanceof EngineException ee) {
            return ee;
        }
        return new EngineException(code(e), what + " failed: " + describe(e), e);
    }

    private static Code code(RuntimeException e) {
        if (e instanceof Env.MapFullException || e instanceof Txn.TxFullException
                || e instanceof Env.ReadersFullException || e instanceof Dbi.DbFullException) {
            return Code.NO_SPACE;
        }
        if (e instanceof LmdbNativeException.PageCorruptedException || e instanceof LmdbNativeException.PanicException
                || e instanceof LmdbNativeException.PageNotFoundException || e instanceof Env.FileInvalidException
                || e instanceof Env.VersionMismatchException || e instanceof Dbi.IncompatibleException) {
            return Code.CORRUPTION;
        }
        if (e instanceof Env.AlreadyClosedException) {
            return Code.CLOSED;
        }
        if (e instanceof LmdbNativeException.ConstantDerivedException n) {
            int rc = n.getResultCode();
            return rc == ENOSPC || rc == EDQUOT ? Code.NO_SPACE : rc == ENOMEM ? Code.INTERNAL : Code.IO;
        }
        return Code.INTERNAL;
    }

    private static String describe(RuntimeException e) {
        if (e instanceof Env.ReadersFullException) {
            return "LMDB's reader table is full: too many snapshots and iterators are open at once "
                    + "(raise lmdb.max-readers, or close snapshots and iterators sooner)";
        }
        if (e instanceof Txn.TxFullException) {
            return "the batch touches more pages than one LMDB transaction can hold; split it";
        }
        if (e instanceof LmdbException) {
            return e.getMessage();
        }
        return e.toString();
    }
}
