package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.MessageType;
import org.junit.jupiter.api.Test;

/** Leadership transfer, thesis §3.10: catch the transferee up, then tell it to campaign at once. */
class LeadershipTransferTest {

    private static TestCluster elected() {
        return TestCluster.builder().voters(1, 2, 3).build().elect(1);
    }

    @Test
    void anUpToDateTransfereeIsToldToCampaignAndWins() {
        TestCluster c = elected();
        c.sent.clear();
        c.node(1).transferLeader(2);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(2).state());
        assertEquals(2, c.raft(2).term);
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        assertTrue(c.sent.stream().anyMatch(m -> m.getMsgType() == MessageType.MsgTimeoutNow && m.getTo() == 2));
    }

    @Test
    void theTransfereeVotesOverrideLeasesAndPreVote() {
        TestCluster c = elected();
        c.sent.clear();
        c.node(1).transferLeader(3);
        c.deliverAll();
        assertTrue(c.sent.stream().noneMatch(m -> m.getMsgType() == MessageType.MsgRequestPreVote));
        assertTrue(c.sent.stream().filter(m -> m.getMsgType() == MessageType.MsgRequestVote)
                .allMatch(m -> m.getContext().equals(Raft.CAMPAIGN_TRANSFER)));
        assertEquals(StateRole.LEADER, c.raft(3).state(), "followers in lease grant the transfer's votes");
    }

    @Test
    void aLaggingTransfereeIsCaughtUpFirst() {
        TestCluster c = elected().isolate(3);
        c.propose(1, "a").propose(1, "b");
        c.recover();
        c.node(1).transferLeader(3);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(3).state());
        assertEquals(java.util.List.of("a", "b"), c.peer(3).appliedData());
    }

    @Test
    void proposalsAreRefusedWhileTransferring() {
        TestCluster c = elected().isolate(3);
        c.node(1).transferLeader(3);
        c.deliverAll();
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class,
                () -> c.node(1).propose(ByteString.copyFromUtf8("x")));
        assertEquals("leadership transfer to 3 in progress", e.getMessage());
    }

    @Test
    void aTransferThatDoesNotFinishInAnElectionTimeoutIsAbandoned() {
        TestCluster c = elected().isolate(3);
        c.node(1).transferLeader(3);
        c.deliverAll();
        assertEquals(3, c.node(1).status().leadTransferee());
        c.tick(1, RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(0, c.node(1).status().leadTransferee());
        assertEquals(StateRole.LEADER, c.raft(1).state());
        c.propose(1, "x"); // accepted again
    }

    @Test
    void aTransferRequestAtAFollowerIsForwardedToTheLeader() {
        TestCluster c = elected();
        c.node(3).transferLeader(2);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(2).state());
    }

    @Test
    void transfersToSelfOrNonMembersAreIgnored() {
        TestCluster c = elected();
        c.node(1).transferLeader(1);
        c.node(1).transferLeader(9);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(0, c.node(1).status().leadTransferee());
    }

    @Test
    void aNewTransfereeReplacesThePendingOne() {
        TestCluster c = elected().isolate(3);
        c.node(1).transferLeader(3);
        c.deliverAll();
        c.node(1).transferLeader(2);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(2).state());
    }
}
