package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Leader election, thesis §3.4 and §3.6.1 (etcd {@code raft_paper_test.go}): the paper's rules alone,
 * with pre-vote and check-quorum off (they have their own tests).
 */
class ElectionTest {

    private static TestCluster cluster(long... voters) {
        return TestCluster.builder().voters(voters).config(b -> b.preVote(false).checkQuorum(false)).build();
    }

    @Test
    void aFollowerThatHearsNothingCampaignsAndWins() {
        TestCluster c = cluster(1, 2, 3);
        c.tick(1, 2 * RaftConfig.DEFAULT_ELECTION_TICK);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
        assertEquals(1, c.raft(2).lead);
        assertEquals(1, c.raft(3).lead);
    }

    @Test
    void aCandidateVotesForItselfAndAsksEveryVoterWithItsLastEntry() {
        TestCluster c = cluster(1, 2, 3);
        c.node(1).campaign();
        List<Message> out = c.collect(1);
        assertEquals(StateRole.CANDIDATE, c.raft(1).state());
        assertEquals(1, c.raft(1).vote);
        assertEquals(List.of(
                "1->2 MsgRequestVote Term:1 Log:0/0",
                "1->3 MsgRequestVote Term:1 Log:0/0"), describe(out));
    }

    @Test
    void theCandidatePersistsItsTermAndVoteBeforeAskingForVotes() {
        TestCluster c = cluster(1, 2, 3);
        c.node(1).campaign();
        Ready rd = c.node(1).ready();
        assertEquals(1, rd.hardState().getTerm());
        assertEquals(1, rd.hardState().getVote());
        assertTrue(rd.mustSync(), "a new term and vote must be durable before the vote requests go out");
        assertEquals(2, rd.messages().size());
    }

    @Test
    void aSingleVoterElectsItselfAtOnce() {
        TestCluster c = cluster(1);
        c.campaign(1);
        assertEquals(StateRole.LEADER, c.raft(1).state());
        c.propose(1, "x");
        assertEquals(List.of("x"), c.peer(1).appliedData());
    }

    @Test
    void aCandidateWithoutAMajorityStaysCandidate() {
        TestCluster c = cluster(1, 2, 3, 4, 5).isolate(3).isolate(4).isolate(5);
        c.campaign(1);
        assertEquals(StateRole.CANDIDATE, c.raft(1).state());
    }

    @Test
    void aCandidateRejectedByAMajorityStepsDown() {
        TestCluster c = cluster(1, 2, 3);
        c.node(1).campaign();
        c.collect(1);
        c.send(msg(MessageType.MsgRequestVoteResponse, 2, 1, 1).toBuilder().setReject(true).build());
        c.send(msg(MessageType.MsgRequestVoteResponse, 3, 1, 1).toBuilder().setReject(true).build());
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
    }

    @Test
    void aNodeVotesOncePerTerm() {
        TestCluster c = cluster(1, 2, 3);
        c.node(1).step(msg(MessageType.MsgRequestVote, 2, 1, 1));
        c.node(1).step(msg(MessageType.MsgRequestVote, 3, 1, 1));
        List<Message> out = c.collect(1);
        assertEquals(List.of(
                "1->2 MsgRequestVoteResponse Term:1 Log:0/0",
                "1->3 MsgRequestVoteResponse Term:1 Log:0/0 Rejected (Hint: 0)"), describe(out));
        assertEquals(2, c.raft(1).vote);
    }

    @Test
    void aNodeRefusesACandidateWhoseLogIsBehind() {
        TestCluster c = cluster(1, 2, 3).elect(1).propose(1, "a");
        // Node 3's log ends at 1/2; a candidate whose log ends at 1/1 is behind.
        c.node(3).step(msg(MessageType.MsgRequestVote, 2, 3, 5).toBuilder().setIndex(1).setLogTerm(1).build());
        List<Message> out = c.collect(3);
        assertEquals(1, out.size());
        assertTrue(out.get(0).getReject(), TestCluster.class.getSimpleName() + ": " + describe(out));
        // Same last term, longer log: granted.
        c.node(3).step(msg(MessageType.MsgRequestVote, 2, 3, 6).toBuilder().setIndex(3).setLogTerm(1).build());
        assertFalse(c.collect(3).get(0).getReject());
    }

    @Test
    void aHigherTermLogWinsOverALongerOne() {
        TestCluster c = cluster(1, 2, 3).elect(1).propose(1, "a");
        c.node(3).step(msg(MessageType.MsgRequestVote, 2, 3, 5).toBuilder().setIndex(1).setLogTerm(2).build());
        assertFalse(c.collect(3).get(0).getReject());
    }

    @Test
    void aMessageOfAHigherTermTurnsALeaderIntoAFollower() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        c.node(1).step(msg(MessageType.MsgAppend, 2, 1, 5).toBuilder().setIndex(1).setLogTerm(1).build());
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        assertEquals(5, c.raft(1).term);
        assertEquals(2, c.raft(1).lead);
    }

    @Test
    void aVoteRequestOfAnOlderTermIsRejectedWithOurTerm() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        c.campaign(2); // term 2
        assertEquals(2, c.raft(1).term);
        c.node(1).step(msg(MessageType.MsgRequestVote, 3, 1, 1));
        assertEquals(List.of("1->3 MsgRequestVoteResponse Term:2 Log:0/0 Rejected (Hint: 0)"), describe(c.collect(1)));
    }

    @Test
    void otherMessagesOfAnOlderTermAreIgnored() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        c.campaign(2); // term 2
        c.node(1).step(msg(MessageType.MsgHeartbeatResponse, 3, 1, 1));
        c.node(1).step(msg(MessageType.MsgAppend, 3, 1, 1));
        assertTrue(c.collect(1).isEmpty(), "without check-quorum or pre-vote, a stale append is not answered");
    }

    @Test
    void electionTimeoutsAreRandomizedBetweenOneAndTwoElectionTicks() {
        Set<Integer> seen = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            RaftConfig cfg = RaftConfig.builder(1).random(RandomSource.seeded(seed)).build();
            Raft r = new Raft(cfg, MemoryLogStorage.withVoters(1, 2, 3));
            int timeout = r.randomizedElectionTimeout;
            assertTrue(timeout >= 10 && timeout < 20, "timeout " + timeout);
            seen.add(timeout);
        }
        assertTrue(seen.size() > 5, "timeouts should vary: " + seen);
    }

    @Test
    void theSameSeedGivesTheSameTimeouts() {
        RaftConfig a = RaftConfig.builder(1).random(RandomSource.seeded(42)).build();
        RaftConfig b = RaftConfig.builder(1).random(RandomSource.seeded(42)).build();
        assertEquals(new Raft(a, MemoryLogStorage.withVoters(1)).randomizedElectionTimeout,
                new Raft(b, MemoryLogStorage.withVoters(1)).randomizedElectionTimeout);
    }

    @Test
    void theLeaderSendsHeartbeatsEveryHeartbeatTick() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        c.sent.clear();
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        long heartbeats = c.sent.stream().filter(m -> m.getMsgType() == MessageType.MsgHeartbeat).count();
        assertEquals(2, heartbeats);
    }

    @Test
    void aNewLeaderAppendsAnEmptyEntryOfItsTermAndCommitsIt() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        assertEquals(1, c.raft(1).raftLog.lastIndex());
        assertEquals(1, c.raft(1).raftLog.committed());
        assertEquals(1, c.raft(2).raftLog.committed());
    }

    @Test
    void aLeaderIsNeverAskedToBecomeCandidate() {
        TestCluster c = cluster(1, 2, 3).elect(1);
        c.campaign(1); // MsgHup on a leader is ignored
        assertEquals(StateRole.LEADER, c.raft(1).state());
        assertEquals(1, c.raft(1).term);
    }

    static List<String> describe(List<Message> msgs) {
        return msgs.stream().map(Describe::message).toList();
    }
}
