package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Proposals at followers: forwarded to the leader or refused naming it, as configured. */
class ProposalTest {

    @Test
    void aFollowerForwardsProposalsToTheLeaderByDefault() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        c.propose(3, "via-3");
        assertEquals(List.of("via-3"), c.peer(1).appliedData());
    }

    @Test
    void aFollowerConfiguredToRejectNamesTheLeader() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3)
                .config(b -> b.followerProposals(FollowerProposals.REJECT)).build().elect(1);
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(3).propose(bytes("x")));
        assertEquals(1, e.leaderId());
        assertEquals("not the leader; the leader is 1", e.getMessage());
    }

    @Test
    void withoutALeaderProposalsAreDropped() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build();
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(2).propose(bytes("x")));
        assertEquals(0, e.leaderId());
        assertEquals("no leader at term 0", e.getMessage());
    }

    @Test
    void aCandidateDropsProposals() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).config(b -> b.preVote(false)).build().isolate(1);
        c.campaign(1);
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(1).propose(bytes("x")));
        assertEquals("no leader at term 1 (election in progress)", e.getMessage());
    }

    @Test
    void forwardedProposalsFromAStaleFollowerAreDroppedSilentlyByANonLeader() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        c.node(1).transferLeader(2);
        c.deliverAll();
        // A proposal forwarded to 1 while it still led, arriving after it stepped down: forwarded again.
        c.send(io.kvasir.kvproto.Eraftpb.Message.newBuilder()
                .setMsgType(io.kvasir.kvproto.Eraftpb.MessageType.MsgPropose).setFrom(3).setTo(1)
                .addEntries(io.kvasir.kvproto.Eraftpb.Entry.newBuilder().setData(bytes("late"))).build());
        assertEquals(List.of("late"), c.peer(2).appliedData());
    }
}
