package io.kvasir.raft.store;

import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.store.peer.PeerException;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Turns a failure of a region's peer into what the request path answers: the region error the
 * client re-routes on, or, for outcomes the client must not retry blindly, a plain failure.
 * The one place where {@link PeerException}s become {@code errorpb.Error}s.
 */
final class PeerErrors {
    private PeerErrors() {
    }

    static Throwable toRegionError(Throwable failure, Metapb.Region routed) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof PeerException.RegionNotFound e) {
            return RegionErrors.regionNotFound(e.regionId());
        }
        if (t instanceof PeerException.NotLeader e) {
            return RegionErrors.notLeader(e.regionId(), RegionPeers.byId(routed, e.leaderPeerId()));
        }
        if (t instanceof PeerException.EntryTooLarge e) {
            return RegionErrors.raftEntryTooLarge(e.regionId(), e.entrySize());
        }
        if (t instanceof PeerException.EpochNotMatch e) {
            return RegionErrors.epochNotMatch(routed.getRegionEpoch(), List.of(e.current()));
        }
        if (t instanceof PeerException.KeyNotInRegion e) {
            return RegionErrors.keyNotInRegion(e.key(), e.region());
        }
        if (t instanceof PeerException.Merging e) {
            return RegionErrors.proposalInMergingMode(e.regionId());
        }
        if (t instanceof PeerException.ProposalAborted e) {
            // Certainly not applied: safe for the client to retry after re-routing.
            return RegionErrors.staleCommand(e.getMessage());
        }
        return t;
    }
}
