package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.change;
import static io.kvasir.raft.core.TestCluster.joint;
import static io.kvasir.raft.core.TestCluster.learner;
import static io.kvasir.raft.core.TestCluster.removal;
import static io.kvasir.raft.core.TestCluster.voter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.ConfChangeTransition;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership changes by joint consensus (thesis §4.3) and single steps (§4.1): entering and leaving
 * the joint config, leaving it automatically, quorum rules while joint, and refusals with reasons.
 */
class JointConsensusTest {

    /** 1 2 3 are voters, 4 and 5 are spare nodes that have caught up as learners. */
    private static TestCluster withLearners45() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).spare(4, 5).build().elect(1);
        c.changeMembership(1, change(ConfChangeType.AddLearnerNode, 4));
        c.changeMembership(1, change(ConfChangeType.AddLearnerNode, 5));
        c.propose(1, "warm-up");
        return c;
    }

    private static String config(TestCluster c, long id) {
        return c.raft(id).trk.config().toString();
    }

    @Test
    void anAutomaticJointChangeEntersAndThenLeavesOnItsOwn() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Auto, voter(4), voter(5), removal(3)));
        for (long id : new long[] {1, 2, 4, 5}) {
            assertEquals("voters=(1 2 4 5)", config(c, id), "node " + id);
        }
        List<Entry> confEntries = c.peer(1).applied.stream().filter(ConfChanges::isConfChange).toList();
        assertEquals(List.of("v4 v5 r3", "leave-joint"),
                confEntries.subList(2, 4).stream().map(e -> Describe.confChange(ConfChanges.decode(e))).toList());
    }

    @Test
    void anExplicitJointChangeStaysJointUntilAskedToLeave() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Explicit, voter(4), removal(3)));
        assertEquals("voters=(1 2 4)&&(1 2 3) learners=(5)", config(c, 1));
        c.tickAll(3 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals("voters=(1 2 4)&&(1 2 3) learners=(5)", config(c, 1), "nothing leaves on its own");
        c.changeMembership(1, ConfChangeV2.getDefaultInstance());
        assertEquals("voters=(1 2 4) learners=(5)", config(c, 2));
    }

    @Test
    void whileJointBothMajoritiesMustAgreeToCommit() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Explicit, voter(4), voter(5), removal(2), removal(3)));
        assertEquals("voters=(1 4 5)&&(1 2 3)", config(c, 1));
        c.isolate(4).isolate(5);
        c.propose(1, "a");
        assertEquals(List.of("warm-up"), c.peer(1).appliedData(), "(1 2 3) agrees but (1 4 5) does not");
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(List.of("warm-up", "a"), c.peer(1).appliedData());
        c.isolate(2).isolate(3);
        c.propose(1, "b");
        assertEquals(List.of("warm-up", "a"), c.peer(1).appliedData(), "(1 4 5) agrees but (1 2 3) does not");
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(List.of("warm-up", "a", "b"), c.peer(1).appliedData());
    }

    @Test
    void whileJointAnElectionNeedsBothMajorities() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Explicit, voter(4), voter(5), removal(2), removal(3)));
        c.crash(1).isolate(2).isolate(3);
        c.tick(4, 4 * RaftConfig.DEFAULT_ELECTION_TICK);
        c.tick(5, 4 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertTrue(c.raft(4).state() != StateRole.LEADER && c.raft(5).state() != StateRole.LEADER,
                "4 and 5 are a majority of (1 4 5) but not of (1 2 3)");
        c.recover();
        c.tickAll(4 * RaftConfig.DEFAULT_ELECTION_TICK);
        long leaders = List.of(2L, 3L, 4L, 5L).stream().filter(id -> c.raft(id).state() == StateRole.LEADER).count();
        assertEquals(1, leaders, "with 2 and 3 back, one of them is elected");
    }

    @Test
    void aVoterDemotedInAJointChangeWaitsInLearnersNext() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Explicit, voter(4), learner(3)));
        assertEquals("voters=(1 2 4)&&(1 2 3) learners=(5) learners_next=(3)", config(c, 1));
        c.changeMembership(1, ConfChangeV2.getDefaultInstance());
        assertEquals("voters=(1 2 4) learners=(3 5)", config(c, 1));
    }

    @Test
    void aSecondChangeIsRefusedWhileOneIsPending() {
        TestCluster c = withLearners45().isolate(2).isolate(3);
        c.node(1).proposeConfChange(change(ConfChangeType.RemoveNode, 5)); // appended, cannot commit
        ConfChangeRefusedException e = assertThrows(ConfChangeRefusedException.class,
                () -> c.node(1).proposeConfChange(change(ConfChangeType.RemoveNode, 4)));
        assertTrue(e.reason().startsWith("possible unapplied conf change"), e.reason());
    }

    @Test
    void anEmptyChangeOutsideAJointConfigIsRefused() {
        TestCluster c = withLearners45();
        assertRefused(c, ConfChangeV2.getDefaultInstance(), "not in a joint config; refusing empty conf change");
        assertRefused(c, ConfChangeV2.newBuilder().setTransition(ConfChangeTransition.Explicit).build(),
                "an empty conf change must use the Auto transition (it leaves the joint config)");
    }

    @Test
    void severalChangesAtOnceGoThroughAJointConfig() {
        TestCluster c = withLearners45();
        // Two changes with the Auto transition cannot be a simple change: they enter a joint config.
        c.changeMembership(1, joint(ConfChangeTransition.Auto, voter(4), voter(5)));
        assertEquals("voters=(1 2 3 4 5)", config(c, 3));
    }

    @Test
    void aSimpleChangeInAJointConfigIsRefused() {
        TestCluster c = withLearners45();
        c.changeMembership(1, joint(ConfChangeTransition.Explicit, voter(4)));
        assertRefused(c, change(ConfChangeType.AddNode, 5), "must transition out of joint config (1 2 3 4)&&(1 2 3) first");
    }

    @Test
    void removingEveryVoterIsRefused() {
        TestCluster c = TestCluster.builder().voters(1).build().elect(1);
        assertRefused(c, change(ConfChangeType.AddLearnerNode, 1), "removed all voters");
        TestCluster d = TestCluster.builder().voters(1, 2).build().elect(1);
        assertRefused(d, joint(ConfChangeTransition.Auto, removal(1), removal(2)), "removed all voters");
    }

    @Test
    void aChangeThatWouldLoseQuorumIsRefused() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1).isolate(3);
        c.tickAll(RaftConfig.DEFAULT_ELECTION_TICK + 1); // 3 has not been heard from for an election timeout
        assertRefused(c, change(ConfChangeType.RemoveNode, 2),
                "would lose quorum: incoming voters (1 3) need 2 active but only 1 (1) were heard from within the election timeout");
        c.changeMembership(1, change(ConfChangeType.RemoveNode, 3)); // removing the dead one is fine
        assertEquals("voters=(1 2)", config(c, 2));
    }

    @Test
    void theLeaderDoesNotRemoveItself() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        assertRefused(c, change(ConfChangeType.RemoveNode, 1), "would remove or demote the leader 1; transfer leadership first");
        c.node(1).transferLeader(2);
        c.deliverAll();
        c.changeMembership(2, change(ConfChangeType.RemoveNode, 1));
        assertEquals("voters=(2 3)", config(c, 3));
    }

    @Test
    void aRemovedLeaderHandsOverOnceTheChangeApplies() {
        // A removal committed through another leader's log (say, proposed before a transfer) reaches 1
        // while it leads. It keeps leading, refusing proposals, until it has handed over.
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        for (long id = 1; id <= 3; id++) {
            c.raft(id).applyConfChange(change(ConfChangeType.RemoveNode, 1));
        }
        assertThrows(ProposalDroppedException.class, () -> c.node(1).propose(TestCluster.bytes("x")));
        c.deliverAll();
        assertTrue(c.raft(2).state() == StateRole.LEADER || c.raft(3).state() == StateRole.LEADER);
        c.tickAll(RaftConfig.DEFAULT_HEARTBEAT_TICK); // its next heartbeat is answered with the new term
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        assertTrue(c.raft(2).state() == StateRole.LEADER || c.raft(3).state() == StateRole.LEADER);
    }

    @Test
    void aLeaderOnlyInTheOutgoingHalfHandsOverSoTheJointConfigCanBeLeft() {
        // A joint change committed under an earlier leader left the current leader 1 outgoing only.
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        for (long id = 1; id <= 3; id++) {
            c.raft(id).applyConfChange(joint(ConfChangeTransition.Implicit, removal(1)));
        }
        assertEquals("voters=(2 3)&&(1 2 3) autoleave", config(c, 1));
        c.tickAll(1);
        assertTrue(c.raft(2).state() == StateRole.LEADER || c.raft(3).state() == StateRole.LEADER);
        assertEquals("voters=(2 3)", config(c, 2), "the new leader left the joint config");
    }

    @Test
    void anInvalidCommittedChangeIsANoOpEverywhere() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        assertThrows(ConfChangeRefusedException.class,
                () -> c.node(2).applyConfChange(joint(ConfChangeTransition.Auto, removal(1), removal(2), removal(3))));
        assertEquals("voters=(1 2 3)", config(c, 2));
    }

    private static void assertRefused(TestCluster c, ConfChangeV2 cc, String reason) {
        if (reason == null) {
            c.changeMembership(1, cc);
            return;
        }
        ConfChangeRefusedException e = assertThrows(ConfChangeRefusedException.class,
                () -> c.node(1).proposeConfChange(cc));
        assertEquals(reason, e.reason());
    }
}
