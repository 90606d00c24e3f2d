package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pre-vote, thesis §9.6: ask whether you could win before raising your term. Check-quorum off here. */
class PreVoteTest {

    private static TestCluster cluster(boolean preVote) {
        return TestCluster.builder().voters(1, 2, 3).config(b -> b.preVote(preVote).checkQuorum(false)).build();
    }

    @Test
    void aPreCandidateAsksForTheNextTermWithoutTakingIt() {
        TestCluster c = cluster(true);
        c.node(1).campaign();
        List<Message> out = c.collect(1);
        assertEquals(StateRole.PRE_CANDIDATE, c.raft(1).state());
        assertEquals(0, c.raft(1).term, "the term does not change before the pre-vote is won");
        assertEquals(0, c.raft(1).vote);
        assertEquals(List.of(
                "1->2 MsgRequestPreVote Term:1 Log:0/0",
                "1->3 MsgRequestPreVote Term:1 Log:0/0"), ElectionTest.describe(out));
    }

    @Test
    void grantingAPreVoteChangesNeitherTermNorVote() {
        TestCluster c = cluster(true);
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestPreVote, 1, 2, 1));
        List<Message> out = c.collect(2);
        assertEquals(List.of("2->1 MsgRequestPreVoteResponse Term:1 Log:0/0"), ElectionTest.describe(out));
        assertEquals(0, c.raft(2).term);
        assertEquals(0, c.raft(2).vote);
    }

    @Test
    void aWonPreVoteStartsTheRealElection() {
        TestCluster c = cluster(true).campaign(1);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
    }

    @Test
    void anIsolatedNodeDoesNotInflateItsTermAndDoesNotDisruptOnReturn() {
        TestCluster c = cluster(true).campaign(1).isolate(3);
        c.tick(3, 10 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(1, c.raft(3).term, "pre-votes never reach a quorum, so the term stays");
        c.recover().tickAll(RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
    }

    @Test
    void withoutPreVoteTheReturningNodeDeposesTheLeader() {
        TestCluster c = cluster(false).campaign(1).isolate(3);
        c.tick(3, 3 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertTrue(c.raft(3).term > 1);
        c.recover();
        c.tick(3, 2 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertTrue(c.raft(1).term > 1, "the leader saw the higher term and stepped down at least once");
    }

    @Test
    void aPreCandidateWithAStaleLogGetsNoPreVotes() {
        TestCluster c = cluster(true).campaign(1).isolate(3);
        c.propose(1, "x");
        c.recover();
        c.node(3).campaign();
        c.deliverAll();
        assertFalse(c.raft(3).state() == StateRole.LEADER);
        assertEquals(1, c.raft(1).term);
        assertEquals(StateRole.LEADER, c.raft(1).state());
    }

    @Test
    void aPreVoteOfALowerTermIsRejectedWithOurTerm() {
        TestCluster c = cluster(true).campaign(1).campaign(2); // term 2
        c.node(1).step(TestCluster.msg(MessageType.MsgRequestPreVote, 3, 1, 1));
        List<Message> out = c.collect(1);
        assertEquals(List.of("1->3 MsgRequestPreVoteResponse Term:2 Log:0/0 Rejected (Hint: 0)"), ElectionTest.describe(out));
    }
}
