package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Log replication, thesis §3.5–3.6: appends and commitment, conflicts and fast backtracking, the
 * current-term commit rule, pipelining and flow control, bounded messages.
 */
class ReplicationTest {

    private static TestCluster.Builder three() {
        return TestCluster.builder().voters(1, 2, 3);
    }

    /** Append messages carrying entries from {@code from} to {@code to} (commit-only appends are not counted). */
    private static long appendsWithEntries(TestCluster c, long from, long to) {
        return c.sent.stream().filter(m -> m.getMsgType() == MessageType.MsgAppend && m.getFrom() == from
                && m.getTo() == to && m.getEntriesCount() > 0).count();
    }

    @Test
    void anEntryOnAMajorityIsCommittedAndAppliedEverywhere() {
        TestCluster c = three().build().elect(1).propose(1, "x");
        for (long id = 1; id <= 3; id++) {
            assertEquals(List.of("x"), c.peer(id).appliedData(), "node " + id);
            assertEquals(2, c.raft(id).raftLog.committed());
        }
    }

    @Test
    void aMinorityCannotCommit() {
        TestCluster c = three().build().elect(1).isolate(2).isolate(3);
        c.propose(1, "x");
        assertEquals(1, c.raft(1).raftLog.committed());
        assertTrue(c.peer(1).appliedData().isEmpty());
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(List.of("x"), c.peer(3).appliedData(), "heartbeat responses make the leader resend");
    }

    @Test
    void aFollowerLearnsTheCommitIndexFromTheNextMessage() {
        TestCluster c = three().build().elect(1).propose(1, "x");
        // Everyone has applied; commit index known by followers from the leader's later append/heartbeat.
        assertEquals(2, c.raft(3).raftLog.committed());
    }

    @Test
    void conflictingSuffixesAreOverwrittenWithFastBacktracking() {
        // Thesis figure 3.6: the leader of term 8 against follower (f) whose tail is terms 2 and 3.
        TestCluster c = three().config(b -> b.checkQuorum(false)) // restarted nodes would honour leases first
                .log(1, 1, 1, 1, 4, 4, 5, 5, 6, 6, 6)
                .log(2, 1, 1, 1, 4, 4, 5, 5, 6, 6)
                .log(3, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3)
                .build();
        c.elect(1);
        assertEquals(1, c.sent.stream().filter(m -> m.getMsgType() == MessageType.MsgAppendResponse
                && m.getFrom() == 3 && m.getReject()).count(), "one rejection skips terms 3 and 2 at once");
        List<Entry> leader = c.raft(1).raftLog.slice(1, 12, Long.MAX_VALUE);
        assertEquals(leader, c.raft(3).raftLog.slice(1, 12, Long.MAX_VALUE));
        assertEquals(11, c.raft(3).raftLog.committed());
    }

    @Test
    void aLeaderCommitsOnlyEntriesOfItsOwnTermByCounting() {
        // Thesis §3.6.2 / figure 3.7: entries of term 1 and 2 on a majority do not commit; one of term 3 does.
        for (BrokenRule rule : new BrokenRule[] {BrokenRule.NONE, BrokenRule.COMMIT_PREVIOUS_TERM_BY_COUNTING}) {
            long[][] cases = {{1, 0}, {2, 0}, {3, 3}};
            for (long[] tc : cases) {
                MemoryLogStorage storage = MemoryLogStorage.withVoters(1, 2);
                storage.append(RaftLogTest.ents(1, 1, 2));
                storage.setHardState(HardState.newBuilder().setTerm(2).build());
                Raft r = new Raft(RaftConfig.builder(1).brokenRuleForTesting(rule).build(), storage);
                r.becomeCandidate();
                r.becomeLeader(); // appends its empty entry at index 3, term 3
                r.step(TestCluster.msg(MessageType.MsgAppendResponse, 2, 1, 3).toBuilder().setIndex(tc[0]).build());
                long expected = rule == BrokenRule.NONE ? tc[1] : tc[0];
                assertEquals(expected, r.raftLog.committed(), rule + ": acknowledged up to " + tc[0]);
            }
        }
    }

    @Test
    void aNewLeaderCommitsEarlierEntriesOnlyThroughAnEntryOfItsTerm() {
        // etcd TestCommitWithoutNewTermEntry: 1 replicates two entries to 2 only, then 2 leads.
        TestCluster c = TestCluster.builder().voters(1, 2, 3, 4, 5)
                .config(b -> b.checkQuorum(false).preVote(false)).build().elect(1);
        c.cut(1, 3).cut(1, 4).cut(1, 5);
        c.propose(1, "a").propose(1, "b");
        assertEquals(1, c.raft(1).raftLog.committed());
        c.recover().dropIf(m -> m.getMsgType() == MessageType.MsgAppend);
        c.campaign(2);
        assertEquals(StateRole.LEADER, c.raft(2).state());
        assertEquals(1, c.raft(2).raftLog.committed(), "elected, but nothing of its term is replicated yet");
        c.recover().tick(2, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(c.raft(2).raftLog.lastIndex(), c.raft(2).raftLog.committed());
        assertEquals(List.of("a", "b"), c.peer(5).appliedData());
    }

    @Test
    void aFollowerInProbeGetsOneAppendAtATime() {
        TestCluster c = three().build();
        c.dropIf(m -> m.getMsgType() == MessageType.MsgAppendResponse && m.getFrom() == 2);
        c.elect(1);
        assertEquals(ProgressState.PROBE, c.raft(1).trk.progress(2).state());
        c.sent.clear();
        c.propose(1, "a").propose(1, "b").propose(1, "c");
        assertEquals(0, appendsWithEntries(c, 1, 2), "the election's probe is unanswered: paused");
        assertEquals(3, appendsWithEntries(c, 1, 3), "node 3 is in replicate: one append per proposal");
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(1, appendsWithEntries(c, 1, 2), "a heartbeat response allows one more probe");
    }

    @Test
    void replicationPipelinesUpToTheInflightWindow() {
        TestCluster c = three().config(b -> b.maxInflightMsgs(2)).build().elect(1);
        c.dropIf(m -> m.getMsgType() == MessageType.MsgAppendResponse && m.getFrom() == 2);
        c.sent.clear();
        for (int i = 0; i < 5; i++) {
            c.propose(1, "p" + i);
        }
        Progress pr = c.raft(1).trk.progress(2);
        assertEquals(ProgressState.REPLICATE, pr.state());
        assertEquals(2, appendsWithEntries(c, 1, 2), "the window of 2 is full; the rest waits");
        assertTrue(pr.isPaused());
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        assertEquals(c.raft(1).raftLog.lastIndex(), c.raft(2).raftLog.lastIndex(), "acknowledgements reopen the window");
    }

    @Test
    void appendMessagesRespectTheSizeLimit() {
        TestCluster c = three().config(b -> b.maxSizePerMsg(1)).build().elect(1).isolate(3);
        for (int i = 0; i < 4; i++) {
            c.propose(1, "entry-" + i);
        }
        c.sent.clear();
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        for (Message m : c.sent) {
            if (m.getMsgType() == MessageType.MsgAppend) {
                assertTrue(m.getEntriesCount() <= 1, "one entry per message: " + Describe.message(m));
            }
        }
        assertEquals(c.raft(1).raftLog.lastIndex(), c.raft(3).raftLog.lastIndex());
    }

    @Test
    void theUncommittedBudgetDropsProposalsPastIt() {
        TestCluster c = three().config(b -> b.maxUncommittedSize(10)).build().elect(1).isolate(2).isolate(3);
        c.node(1).propose(ByteString.copyFromUtf8("0123456789ABCDEF")); // alone: accepted however large
        ProposalDroppedException e = org.junit.jupiter.api.Assertions.assertThrows(ProposalDroppedException.class,
                () -> c.node(1).propose(ByteString.copyFromUtf8("x")));
        assertTrue(e.getMessage().contains("maxUncommittedSize"), e.getMessage());
        c.recover().tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        c.propose(1, "y"); // committed: the budget is free again
        assertEquals(List.of("0123456789ABCDEF", "y"), c.peer(2).appliedData());
    }

    @Test
    void aStaleRejectionChangesNothing() {
        TestCluster c = three().build().elect(1).propose(1, "a");
        Progress pr = c.raft(1).trk.progress(2);
        long next = pr.next();
        c.send(TestCluster.msg(MessageType.MsgAppendResponse, 2, 1, 1).toBuilder().setIndex(0).setReject(true).build());
        assertEquals(next, pr.next());
        assertEquals(ProgressState.REPLICATE, pr.state());
    }
}
