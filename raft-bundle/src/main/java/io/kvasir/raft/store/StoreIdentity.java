package io.kvasir.raft.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.RaftServerpb;
import io.kvasir.raft.store.peer.LocalKeys;
import java.util.Optional;

/**
 * Which cluster a store belongs to and its id there, persisted in the store's engine (TiKV's
 * {@code StoreIdent}). A store keeps its identity across restarts; one that finds itself pointed
 * at another cluster's PD refuses to join it rather than mix two clusters' data.
 */
final class StoreIdentity {
    private StoreIdentity() {
    }

    static Optional<RaftServerpb.StoreIdent> load(KvEngine engine) {
        byte[] raw = engine.get(ColumnFamily.RAFT, LocalKeys.storeIdentKey());
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RaftServerpb.StoreIdent.parseFrom(raw));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the store identity in " + engine.path() + " is corrupt", e);
        }
    }

    static void save(KvEngine engine, long clusterId, long storeId) {
        RaftServerpb.StoreIdent ident = RaftServerpb.StoreIdent.newBuilder()
                .setClusterId(clusterId).setStoreId(storeId).build();
        engine.put(ColumnFamily.RAFT, LocalKeys.storeIdentKey(), ident.toByteArray(), WriteOptions.SYNC);
    }
}
