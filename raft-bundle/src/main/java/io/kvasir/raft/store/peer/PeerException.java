package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Metapb;

/**
 * Why a request to a region's peer failed, as typed exceptions with the fields a façade needs to
 * build TiKV's {@code errorpb.Error} (STYLE rule 12: mapped once, at the façade). They come back
 * as the cause of a failed future, never thrown across the API. Routine answers carry no stack
 * trace; {@link PeerFailed} keeps its cause.
 */
public abstract class PeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long regionId;

    PeerException(long regionId, String message) {
        super("region " + regionId + ": " + message, null, false, false);
        this.regionId = regionId;
    }

    PeerException(long regionId, String message, Throwable cause) {
        super("region " + regionId + ": " + message, cause);
        this.regionId = regionId;
    }

    public long regionId() {
        return regionId;
    }

    /** No peer of the region is open on this store ({@code region_not_found}). */
    public static final class RegionNotFound extends PeerException {
        private static final long serialVersionUID = 1L;

        public RegionNotFound(long regionId) {
            super(regionId, "not open on this store");
        }
    }

    /** This peer is not the leader ({@code not_leader}); {@link #leaderPeerId()} is 0 when unknown. */
    public static final class NotLeader extends PeerException {
        private static final long serialVersionUID = 1L;

        private final long leaderPeerId;

        public NotLeader(long regionId, long leaderPeerId) {
            super(regionId, "this peer is not the leader (leader peer " + leaderPeerId + ")");
            this.leaderPeerId = leaderPeerId;
        }

        public long leaderPeerId() {
            return leaderPeerId;
        }
    }

    /** The command is larger than {@code raft-entry-max-size} ({@code raft_entry_too_large}). */
    public static final class EntryTooLarge extends PeerException {
        private static final long serialVersionUID = 1L;

        private final long entrySize;
        private final long limit;

        public EntryTooLarge(long regionId, long entrySize, long limit) {
            super(regionId, "entry of " + entrySize + " bytes exceeds raft-entry-max-size " + limit);
            this.entrySize = entrySize;
            this.limit = limit;
        }

        public long entrySize() {
            return entrySize;
        }

        public long limit() {
            return limit;
        }
    }

    /**
     * The command's region epoch is not the region's current one ({@code epoch_not_match}): the
     * region split, merged or changed members since the client routed the request. Refused at
     * propose, or answered as stale at apply without changing data.
     */
    public static final class EpochNotMatch extends PeerException {
        private static final long serialVersionUID = 1L;

        private final transient Metapb.Region current;

        public EpochNotMatch(long regionId, String detail, Metapb.Region current) {
            super(regionId, "epoch not match: " + detail);
            this.current = current;
        }

        /** The region as this peer knows it now. */
        public Metapb.Region current() {
            return current;
        }
    }

    /** A key of the command lies outside the region ({@code key_not_in_region}). Keys are not logged. */
    public static final class KeyNotInRegion extends PeerException {
        private static final long serialVersionUID = 1L;

        private final transient byte[] key;
        private final transient Metapb.Region region;

        public KeyNotInRegion(long regionId, byte[] key, Metapb.Region region) {
            super(regionId, "a key of the command is outside the region");
            this.key = key.clone();
            this.region = region;
        }

        public byte[] key() {
            return key.clone();
        }

        public Metapb.Region region() {
            return region;
        }
    }

    /** The command is malformed or not supported here (bad column family, admin command, ...). */
    public static final class InvalidCommand extends PeerException {
        private static final long serialVersionUID = 1L;

        public InvalidCommand(long regionId, String reason) {
            super(regionId, "invalid command: " + reason);
        }
    }

    /**
     * The region is being merged into another ({@code proposal_in_merging_mode}): it takes no
     * writes and serves no reads until the merge commits (the region is gone) or rolls back.
     * Nothing was done; the client retries after re-routing.
     */
    public static final class Merging extends PeerException {
        private static final long serialVersionUID = 1L;

        public Merging(long regionId) {
            super(regionId, "the region is merging");
        }
    }

    /**
     * The proposal was not applied, through no fault of the command: the core dropped it (a
     * leadership transfer, the uncommitted budget) or a new leader overwrote its entry. Retrying
     * is safe.
     */
    public static final class ProposalAborted extends PeerException {
        private static final long serialVersionUID = 1L;

        public ProposalAborted(long regionId, String reason) {
            super(regionId, reason);
        }
    }

    /**
     * The peer or the driver closed before the request was served. A proposal's outcome is then
     * unknown: its entry may be in the log and be applied when the region reopens.
     */
    public static final class Closed extends PeerException {
        private static final long serialVersionUID = 1L;

        public Closed(long regionId, String what) {
            super(regionId, what + " closed before the request was served");
        }
    }

    /**
     * The peer fail-stopped on a storage or internal error and serves nothing until it is reopened.
     * The cause is the original error. A proposal's outcome is unknown: if its entry reached the
     * log, reopening the region applies it.
     */
    public static final class PeerFailed extends PeerException {
        private static final long serialVersionUID = 1L;

        public PeerFailed(long regionId, Throwable cause) {
            super(regionId, "peer failed: " + cause, cause);
        }
    }
}
