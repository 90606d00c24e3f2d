package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.Eraftpb.SnapshotMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and snapshots, thesis chapter 5: the application compacts; laggards get a snapshot. */
class SnapshotTest {

    /** Leader 1 commits a few entries while 3 is away, then compacts them. */
    private static TestCluster lagging() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1).isolate(3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "e" + i);
        }
        return c.compact(1);
    }

    @Test
    void aFollowerWhoseEntriesAreCompactedGetsASnapshotAndCatchesUp() {
        TestCluster c = lagging();
        long snapIndex = c.peer(1).storage.snapshot().getMetadata().getIndex();
        c.recover();
        c.sent.clear();
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(1, c.sent.stream().filter(m -> m.getMsgType() == MessageType.MsgSnapshot).count());
        assertEquals(snapIndex, c.peer(3).storage.snapshot().getMetadata().getIndex(), "restored and persisted");
        c.propose(1, "after");
        assertEquals(List.of("after"), c.peer(3).appliedData(), "the log continues after the snapshot");
        assertEquals(c.raft(1).raftLog.lastIndex(), c.raft(3).raftLog.lastIndex());
    }

    @Test
    void whileASnapshotIsInFlightNothingElseIsSent() {
        TestCluster c = lagging();
        c.recover().dropIf(m -> m.getMsgType() == MessageType.MsgSnapshot);
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        Progress pr = c.raft(1).trk.progress(3);
        assertEquals(ProgressState.SNAPSHOT, pr.state());
        c.sent.clear();
        c.propose(1, "x");
        assertTrue(c.sent.stream().noneMatch(m -> m.getTo() == 3 && m.getMsgType() == MessageType.MsgAppend));
    }

    @Test
    void aFailedSnapshotIsRetriedAfterTheNextHeartbeatResponse() {
        TestCluster c = lagging();
        c.recover().dropIf(m -> m.getMsgType() == MessageType.MsgSnapshot);
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        c.node(1).reportSnapshot(3, false);
        assertEquals(ProgressState.PROBE, c.raft(1).trk.progress(3).state());
        c.recover().tick(1, 2 * RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(c.raft(1).raftLog.lastIndex(), c.raft(3).raftLog.lastIndex());
    }

    @Test
    void aSnapshotIsNotSentToAPeerThatSeemsDown() {
        TestCluster c = lagging();
        c.tickAll(RaftConfig.DEFAULT_ELECTION_TICK); // check-quorum marks 3 inactive
        c.sent.clear();
        c.propose(1, "x");
        assertTrue(c.sent.stream().noneMatch(m -> m.getMsgType() == MessageType.MsgSnapshot));
    }

    @Test
    void anOldSnapshotIsAnsweredWithTheCommitIndex() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1).propose(1, "a");
        Snapshot old = snapshot(1, 1, 1, 2, 3);
        c.node(2).step(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(1).setTo(2).setTerm(1)
                .setSnapshot(old).build());
        List<Message> out = c.collect(2);
        assertEquals(List.of("2->1 MsgAppendResponse Term:1 Log:0/2"), ElectionTest.describe(out));
    }

    @Test
    void aSnapshotMatchingTheLogOnlyMovesTheCommitIndex() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1).isolate(2);
        c.propose(1, "a");
        c.recover();
        // 2 holds index 2 (replicated before? no: it was isolated) — give it the entry, uncommitted.
        c.node(2).step(Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(1)
                .setIndex(1).setLogTerm(1).addEntries(c.raft(1).raftLog.slice(2, 3, Long.MAX_VALUE).get(0)).build());
        c.collect(2);
        assertEquals(1, c.raft(2).raftLog.committed());
        c.node(2).step(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(1).setTo(2).setTerm(1)
                .setSnapshot(snapshot(2, 1, 1, 2, 3)).build());
        assertEquals(2, c.raft(2).raftLog.committed());
        assertFalse(c.raft(2).raftLog.hasPendingSnapshot(), "nothing to restore: the log already has it");
    }

    @Test
    void restoringTakesTheConfigurationFromTheSnapshot() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        c.node(3).step(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(1).setTo(3).setTerm(1)
                .setSnapshot(snapshot(10, 1, 1, 2, 3, 4)).build());
        assertEquals("voters=(1 2 3 4)", c.raft(3).trk.config().toString());
        Ready rd = c.node(3).ready();
        assertEquals(10, rd.snapshot().getMetadata().getIndex());
        assertTrue(rd.mustSync());
    }

    @Test
    void aRestartedNodeResumesAfterItsSnapshot() {
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1);
        c.propose(1, "a").propose(1, "b").compact(2).propose(1, "c");
        long snapIndex = c.peer(2).storage.snapshot().getMetadata().getIndex();
        c.crash(2);
        TestCluster.Peer p = c.peer(2);
        p.node = new RawNode(c.config(2).toBuilder().applied(snapIndex).build(), p.storage);
        p.down = false;
        p.applied.clear();
        c.deliverAll();
        assertEquals(List.of("c"), p.appliedData(), "entries after the snapshot are applied again, nothing before");
    }

    private static Snapshot snapshot(long index, long term, long... voters) {
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        return Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs)).build();
    }
}
