package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Check-quorum (thesis §6.2) and the lease it gives followers (§4.2.3): a leader that cannot hear a
 * quorum steps down; a follower that heard a leader recently ignores vote requests.
 */
class CheckQuorumTest {

    private static TestCluster cluster() {
        return TestCluster.builder().voters(1, 2, 3).build();
    }

    @Test
    void aLeaderCutOffFromItsQuorumStepsDownWithinTwoElectionTimeouts() {
        TestCluster c = cluster().campaign(1).isolate(1);
        // The check runs every election timeout over who was heard since the previous check: the first
        // check still counts the followers heard before the cut, the second does not.
        c.tick(1, RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        c.tick(1, RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        assertEquals(1, c.raft(1).term, "stepping down does not change the term");
    }

    @Test
    void aLeaderThatHearsAQuorumStays() {
        TestCluster c = cluster().campaign(1).isolate(3);
        c.tickAll(5 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
    }

    @Test
    void aFollowerInLeaseIgnoresVoteRequestsOfAHigherTerm() {
        TestCluster c = cluster().campaign(1);
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 5).toBuilder().setIndex(9).setLogTerm(9).build());
        assertTrue(c.collect(2).isEmpty());
        assertEquals(1, c.raft(2).term, "ignored entirely: not even the term moves");
    }

    @Test
    void aFollowerOutOfLeaseGrantsTheVote() {
        TestCluster c = cluster().campaign(1).isolate(1);
        c.tick(2, RaftConfig.DEFAULT_ELECTION_TICK);
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 5).toBuilder().setIndex(9).setLogTerm(9).build());
        List<Message> out = c.collect(2);
        assertEquals(List.of("2->3 MsgRequestVoteResponse Term:5 Log:0/0"), ElectionTest.describe(out));
    }

    @Test
    void aTransferOrderedByTheLeaderOverridesTheLease() {
        TestCluster c = cluster().campaign(1);
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 2).toBuilder().setIndex(9).setLogTerm(9)
                .setContext(Raft.CAMPAIGN_TRANSFER).build());
        assertEquals(List.of("2->3 MsgRequestVoteResponse Term:2 Log:0/0"), ElectionTest.describe(c.collect(2)));
    }

    @Test
    void aStaleLeaderIsToldTheNewTermAndStepsDown() {
        TestCluster c = cluster().campaign(1).isolate(1);
        c.tickAll(3 * RaftConfig.DEFAULT_ELECTION_TICK); // 2 or 3 takes over; 1 steps down alone
        c.recover();
        // Old leader 1 still believes in term 1 and sends a heartbeat of term 1.
        long newTerm = Math.max(c.raft(2).term, c.raft(3).term);
        c.send(TestCluster.msg(MessageType.MsgHeartbeat, 1, 2, 1));
        assertEquals(newTerm, c.raft(1).term, "the answer carries the new term");
    }

    @Test
    void aRestartedNodeHonoursTheLeaseItMayHaveGivenBeforeTheCrash() {
        TestCluster c = cluster().campaign(1).propose(1, "x");
        c.crash(2).restart(2);
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 5).toBuilder().setIndex(9).setLogTerm(9).build());
        assertTrue(c.collect(2).isEmpty(), "within an election timeout of restarting, votes are ignored");
        c.isolate(1).tick(2, RaftConfig.DEFAULT_ELECTION_TICK);
        c.recover();
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 5).toBuilder().setIndex(9).setLogTerm(9).build());
        assertEquals(1, c.collect(2).size());
    }

    @Test
    void aStaleMessageOfANewerTermDoesNotReleaseTheLease() {
        TestCluster c = cluster().campaign(1);
        // A stray append response of term 3 makes 2 a follower of term 3 without a leader...
        c.node(2).step(TestCluster.msg(MessageType.MsgAppendResponse, 3, 2, 3));
        assertEquals(3, c.raft(2).term);
        // ...but 2 heard leader 1 less than an election timeout ago, so it still ignores votes.
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 2, 4).toBuilder().setIndex(9).setLogTerm(9).build());
        assertTrue(c.collect(2).isEmpty());
    }
}
