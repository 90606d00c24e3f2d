package io.kvasir.raft.api;

import io.kvasir.kvproto.Metapb;
import java.util.Optional;

/**
 * What a store learns from PD about the rest of the cluster, for the storage layer's background
 * work: the GC safe point, and where the leader of another region is. Published by the store as
 * an OSGi service beside its {@link RegionStore}. Calls block for a PD round trip (seconds at
 * most) and are made off the request path.
 *
 * @see RegionStore
 */
public interface ClusterDirectory {

    /** The region holding a key, its leader, and the address of the leader's store. */
    record RegionLeader(Metapb.Region region, Metapb.Peer leader, String address) {
    }

    /**
     * PD's GC safe point: versions older than it may be collected once the locks older than it are resolved.
     *
     * @throws RuntimeException when PD cannot be reached
     */
    long gcSafePoint();

    /**
     * The region PD routes {@code regionKey} to (a key as region boundaries hold them: a
     * transactional key memcomparable-encoded) and its leader; empty while PD knows no leader.
     *
     * @throws RuntimeException when PD cannot be reached
     */
    Optional<RegionLeader> leaderOf(byte[] regionKey);
}
