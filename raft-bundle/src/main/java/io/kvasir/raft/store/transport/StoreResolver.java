package io.kvasir.raft.store.transport;

/**
 * Where to reach a store: its peer address (host:port) by store id, as PD knows it (TiKV's
 * {@code StoreAddrResolver}). Called on the transport's own threads, never on the Raft loop, so an
 * implementation may block on PD.
 */
public interface StoreResolver {

    /**
     * The address to dial for {@code storeId}.
     *
     * @throws UnresolvedStoreException if the store cannot be reached at any address (unknown to
     *                                  PD, a tombstone, or PD not answering)
     */
    String resolve(long storeId);

    /**
     * The connection to {@code storeId} failed: forget what was cached, so that the next
     * {@link #resolve} asks again (the store may have moved).
     */
    default void invalidate(long storeId) {
    }

    /** A store the transport cannot reach at any address. */
    final class UnresolvedStoreException extends RuntimeException {
        private final long storeId;

        public UnresolvedStoreException(long storeId, String why, Throwable cause) {
            super("cannot resolve the address of store " + storeId + ": " + why, cause);
            this.storeId = storeId;
        }

        public long storeId() {
            return storeId;
        }
    }
}
