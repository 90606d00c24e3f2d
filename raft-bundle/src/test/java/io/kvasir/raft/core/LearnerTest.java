package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learners (thesis §4.2.1, non-voting members): they receive the log but neither vote nor lead. */
class LearnerTest {

    @Test
    void aLearnerReceivesAndAppliesTheLog() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).learners(4).build().elect(1).propose(1, "x");
        assertEquals(List.of("x"), c.peer(4).appliedData());
        assertEquals(1, c.raft(4).lead);
    }

    @Test
    void aLearnersAcknowledgementDoesNotCountTowardsCommit() {
        TestCluster c = TestCluster.builder().voters(1, 2).learners(3).build().elect(1).isolate(2);
        c.propose(1, "x");
        assertEquals(1, c.raft(1).raftLog.committed(), "1 of 2 voters, whatever learner 3 holds");
        assertEquals(2, c.raft(3).raftLog.lastIndex());
    }

    @Test
    void aLearnerDoesNotCampaignWhileVotersCould() {
        TestCluster c = TestCluster.builder().voters(1, 2).learners(3).build();
        c.tick(3, 2 * RaftConfig.DEFAULT_ELECTION_TICK - 1);
        assertEquals(0, c.raft(3).term, "a non-voter waits twice the election timeout");
    }

    @Test
    void aLearnerThatStepsInOnlyHandsLeadershipOver() {
        // The voters never elected anyone (here: they are not ticking); the learner steps in, then
        // hands over to the voter with the most of the log, and never accepts a proposal itself.
        TestCluster c = TestCluster.builder().voters(1, 2).learners(3).build();
        c.tick(3, 3 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.FOLLOWER, c.raft(3).state());
        assertTrue(c.raft(1).state() == StateRole.LEADER || c.raft(2).state() == StateRole.LEADER);
    }

    @Test
    void leadershipIsNeverTransferredToALearner() {
        TestCluster c = TestCluster.builder().voters(1, 2).learners(3).build().elect(1);
        c.node(1).transferLeader(3);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(0, c.raft(1).trk.progress(3).pendingSnapshot());
    }

    @Test
    void aPromotedLearnerVotesAndCanLead() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).spare(4).build().elect(1);
        c.changeMembership(1, change(ConfChangeType.AddLearnerNode, 4));
        assertEquals("voters=(1 2 3) learners=(4)", c.raft(1).trk.config().toString());
        c.propose(1, "x"); // 4 catches up and answers
        c.changeMembership(1, change(ConfChangeType.AddNode, 4));
        assertEquals("voters=(1 2 3 4)", c.raft(4).trk.config().toString());
        c.isolate(2).isolate(3);
        c.propose(1, "y");
        assertEquals(List.of("x"), c.peer(1).appliedData(), "1 and 4 are 2 of 4 voters: no quorum");
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        c.node(1).transferLeader(4);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(4).state());
        assertEquals(List.of("x", "y"), c.peer(4).appliedData());
    }

    @Test
    void aVoterCanBeDemotedToLearner() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        c.changeMembership(1, change(ConfChangeType.AddLearnerNode, 3));
        assertEquals("voters=(1 2) learners=(3)", c.raft(3).trk.config().toString());
        assertFalse(c.raft(3).isVoter());
    }
}
