package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lease reads, thesis §6.4.1: a leader that heard from a quorum within the election timeout minus
 * the drift margin answers alone; any sign of a newer term voids the lease.
 */
class LeaseReadTest {

    private static TestCluster elected() {
        return TestCluster.builder().voters(1, 2, 3)
                .config(b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED).leaseClockDriftMarginTicks(2))
                .build().elect(1).propose(1, "x");
    }

    private static LeaderLease lease(TestCluster c) {
        return ((LeaderState) c.raft(1).role).lease();
    }

    @Test
    void withALeaseTheLeaderAnswersWithoutARound() {
        TestCluster c = elected();
        c.sent.clear();
        c.node(1).readIndex(bytes("fast"));
        c.deliverAll();
        assertEquals(List.of(new ReadState(2, bytes("fast"))), c.peer(1).reads);
        assertTrue(c.sent.isEmpty(), "no heartbeat needed");
    }

    @Test
    void theLeaseLastsTheElectionTimeoutMinusTheDriftMarginFromWhenTheLeaderSent() {
        TestCluster c = elected().isolate(1); // the commit of "x" happened at tick 0
        c.tick(1, RaftConfig.DEFAULT_ELECTION_TICK - 2 - 1);
        assertTrue(lease(c).valid());
        c.tick(1, 1);
        assertFalse(lease(c).valid(), "10 ticks of election timeout, 2 of margin");
    }

    @Test
    void withoutALeaseTheReadGoesThroughAHeartbeatRoundWhichRenewsIt() {
        TestCluster c = elected();
        c.dropIf(m -> m.getMsgType() == MessageType.MsgHeartbeatResponse);
        c.tick(1, RaftConfig.DEFAULT_ELECTION_TICK);
        assertFalse(lease(c).valid());
        c.recover();
        c.sent.clear();
        c.node(1).readIndex(bytes("slow"));
        c.deliverAll();
        assertTrue(c.sent.stream().anyMatch(m -> m.getMsgType() == MessageType.MsgHeartbeat));
        assertEquals(List.of(new ReadState(2, bytes("slow"))), c.peer(1).reads);
        assertTrue(lease(c).valid(), "the confirmed round renewed the lease");
    }

    @Test
    void aVoteRequestOfANewerTermVoidsTheLeaseEvenThoughItIsIgnored() {
        TestCluster c = elected();
        c.node(1).step(TestCluster.msg(MessageType.MsgRequestVote, 3, 1, 7).toBuilder().setIndex(9).setLogTerm(9).build());
        assertEquals(StateRole.LEADER, c.raft(1).state(), "check-quorum: a leader ignores it");
        assertFalse(lease(c).valid());
        c.deliverAll();
        c.propose(1, "y"); // a later commit in the same term does not bring it back
        assertFalse(lease(c).valid());
    }

    @Test
    void startingATransferVoidsTheLease() {
        TestCluster c = elected().isolate(2);
        c.node(1).transferLeader(3);
        c.collect(1);
        assertFalse(lease(c).valid());
    }

    @Test
    void aLeaderThatStepsDownHasNoLeaseToRead() {
        TestCluster c = elected();
        c.node(1).step(TestCluster.msg(MessageType.MsgAppendResponse, 2, 1, 5));
        assertEquals(StateRole.FOLLOWER, c.raft(1).state());
        c.node(1).readIndex(bytes("gone"));
        c.deliverAll();
        assertTrue(c.peer(1).reads.isEmpty());
    }

    @Test
    void leaseReadsRequireCheckQuorum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RaftConfig.builder(1)
                .readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(false).build());
        assertTrue(e.getMessage().contains("needs checkQuorum"), e.getMessage());
    }
}
