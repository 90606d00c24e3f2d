package io.kvasir.pd;

import io.kvasir.engine.api.WriteOptions;
import java.time.Clock;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The cluster id and this member's id: made up on the first start, persisted (synced) and reused
 * after every restart, because stores remember the cluster id they joined and refuse another.
 *
 * <p>The cluster id is made as PD makes it (server/util.go {@code initOrGetClusterID}): the Unix
 * time in seconds in the high 32 bits and 32 random bits below, so ids of clusters created at
 * different times never collide and ids created in the same second almost never do.
 *
 * @param clusterId the cluster id, never 0
 * @param memberId  this PD member's id, never 0
 */
record ClusterIdentity(long clusterId, long memberId) {
    static final String CLUSTER_ID = "pd/cluster_id";
    static final String MEMBER_ID = "pd/member_id";

    ClusterIdentity {
        if (clusterId == 0 || memberId == 0) {
            throw new IllegalArgumentException("cluster and member ids must not be 0");
        }
    }

    /** Loads the identity from {@code store}, creating and persisting whatever is missing. */
    static ClusterIdentity loadOrCreate(MetaStore store, Clock clock, RandomGenerator random) {
        long clusterId = loadOrCreate(store, CLUSTER_ID,
                () -> (clock.instant().getEpochSecond() << 32) | (random.nextLong() & 0xffff_ffffL));
        long memberId = loadOrCreate(store, MEMBER_ID, random::nextLong);
        return new ClusterIdentity(clusterId, memberId);
    }

    private static long loadOrCreate(MetaStore store, String name, LongSupplier generator) {
        OptionalLong stored = store.getLong(name);
        if (stored.isPresent()) {
            if (stored.getAsLong() == 0) {
                throw new IllegalStateException("PD key " + name + " holds 0");
            }
            return stored.getAsLong();
        }
        long id = generator.getAsLong();
        while (id == 0) {
            id = generator.getAsLong();
        }
        store.putLong(name, id, WriteOptions.SYNC);
        return id;
    }
}
