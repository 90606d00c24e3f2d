package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Metapb;

/**
 * The Raft configuration a region's peer list stands for (TiKV {@code conf_state_from_region}):
 * the region's metadata is the source of truth for membership, and the core's configuration is
 * derived from it at start-up. Peer roles map as: Voter in both halves, IncomingVoter in the
 * incoming half only, DemotingVoter in the outgoing half and a learner-to-be, Learner a learner.
 */
final class ConfStates {

    private ConfStates() {
    }

    static ConfState fromRegion(Metapb.Region region) {
        ConfState.Builder cs = ConfState.newBuilder();
        boolean joint = false;
        for (Metapb.Peer p : region.getPeersList()) {
            switch (p.getRole()) {
                case Voter -> {
                    cs.addVoters(p.getId());
                    cs.addVotersOutgoing(p.getId());
                }
                case Learner -> cs.addLearners(p.getId());
                case IncomingVoter -> {
                    joint = true;
                    cs.addVoters(p.getId());
                }
                case DemotingVoter -> {
                    joint = true;
                    cs.addVotersOutgoing(p.getId());
                    cs.addLearnersNext(p.getId());
                }
                default -> throw new IllegalArgumentException("peer " + p.getId() + " of region " + region.getId()
                        + " has an unknown role " + p.getRole());
            }
        }
        if (!joint) {
            cs.clearVotersOutgoing();
        }
        return cs.build();
    }

    /** Whether {@code peerId} is the region's only voter: it may lead at once, without an election timeout. */
    static boolean isSoleVoter(Metapb.Region region, long peerId) {
        ConfState cs = fromRegion(region);
        return cs.getVotersCount() == 1 && cs.getVoters(0) == peerId && cs.getVotersOutgoingCount() == 0;
    }
}
