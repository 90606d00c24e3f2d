package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linearizable reads by ReadIndex, thesis §6.4: confirm leadership with a heartbeat round, then read. */
class ReadIndexTest {

    private static TestCluster elected() {
        return TestCluster.builder().voters(1, 2, 3).build().elect(1).propose(1, "x");
    }

    @Test
    void theLeaderAnswersAfterAQuorumAcknowledgesAHeartbeat() {
        TestCluster c = elected();
        c.sent.clear();
        c.node(1).readIndex(bytes("r1"));
        List<io.kvasir.kvproto.Eraftpb.Message> round = c.collect(1);
        assertEquals(2, round.size());
        assertTrue(round.stream().allMatch(m -> m.getMsgType() == MessageType.MsgHeartbeat
                && m.getContext().equals(bytes("r1"))), "a heartbeat round carrying the request's context");
        assertTrue(c.peer(1).reads.isEmpty(), "no answer before the round completes");
        round.forEach(c::send);
        assertEquals(List.of(new ReadState(2, bytes("r1"))), c.peer(1).reads);
    }

    @Test
    void aFollowerAsksTheLeaderForTheReadIndex() {
        TestCluster c = elected();
        c.node(3).readIndex(bytes("r2"));
        c.deliverAll();
        assertEquals(List.of(new ReadState(2, bytes("r2"))), c.peer(3).reads);
        assertTrue(c.peer(1).reads.isEmpty());
    }

    @Test
    void aLeaderCutOffFromItsQuorumCannotAnswer() {
        TestCluster c = elected().isolate(1);
        c.node(1).readIndex(bytes("stale"));
        c.deliverAll();
        assertTrue(c.peer(1).reads.isEmpty());
    }

    @Test
    void aNewLeaderAnswersOnlyOnceAnEntryOfItsTermIsCommitted() {
        TestCluster c = elected();
        c.tickAll(RaftConfig.DEFAULT_ELECTION_TICK);
        c.dropIf(m -> m.getMsgType() == MessageType.MsgAppend);
        c.node(1).transferLeader(2);
        c.deliverAll();
        assertEquals(StateRole.LEADER, c.raft(2).state());
        c.node(2).readIndex(bytes("early"));
        c.deliverAll();
        assertTrue(c.peer(2).reads.isEmpty(), "its term's entry is not committed yet: the commit index may be stale");
        c.recover().tick(2, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(List.of(new ReadState(3, bytes("early"))), c.peer(2).reads);
    }

    @Test
    void oneRoundConfirmsEveryEarlierRequest() {
        TestCluster c = elected();
        c.node(1).readIndex(bytes("a"));
        c.node(1).readIndex(bytes("b"));
        c.collect(1);
        c.clearQueue();
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK); // the heartbeat carries the newest context, "b"
        assertEquals(List.of(new ReadState(2, bytes("a")), new ReadState(2, bytes("b"))), c.peer(1).reads);
    }

    @Test
    void aSingleVoterAnswersAtOnce() {
        TestCluster c = TestCluster.builder().voters(1).build().elect(1);
        c.node(1).readIndex(bytes("solo"));
        c.deliverAll();
        assertEquals(List.of(new ReadState(1, bytes("solo"))), c.peer(1).reads);
    }

    @Test
    void aReadWithoutALeaderIsDropped() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build();
        c.node(2).readIndex(bytes("nobody"));
        c.deliverAll();
        assertTrue(c.sent.isEmpty());
    }
}
