package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import org.junit.jupiter.api.Test;

/** The Ready/advance contract: what must be durable before which message goes out, and misuse. */
class ReadyContractTest {

    @Test
    void anAppendIsAcknowledgedInTheSameReadyThatPersistsIt() {
        TestCluster c = TestCluster.builder().voters(1, 2).build().elect(1);
        Entry e = Entry.newBuilder().setTerm(1).setIndex(2).setData(bytes("x")).build();
        c.node(2).step(Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(1)
                .setIndex(1).setLogTerm(1).setCommit(1).addEntries(e).build());
        Ready rd = c.node(2).ready();
        assertEquals(1, rd.entries().size());
        assertEquals("2->1 MsgAppendResponse Term:1 Log:0/2", Describe.message(rd.messages().get(0)));
        assertTrue(rd.mustSync(), "the acknowledgement may leave only once the entry is durable");
    }

    @Test
    void aVoteIsPersistedInTheSameReadyThatSendsIt() {
        TestCluster c = TestCluster.builder().voters(1, 2).config(b -> b.preVote(false)).build();
        c.node(2).step(TestCluster.msg(MessageType.MsgRequestVote, 1, 2, 1));
        Ready rd = c.node(2).ready();
        assertEquals("Term:1 Vote:1 Commit:0", Describe.hardState(rd.hardState()));
        assertEquals(MessageType.MsgRequestVoteResponse, rd.messages().get(0).getMsgType());
        assertTrue(rd.mustSync());
    }

    @Test
    void aCommitIndexChangeAloneNeedsNoSync() {
        TestCluster c = TestCluster.builder().voters(1, 2).build().elect(1);
        c.isolate(2);
        c.node(1).propose(bytes("x"));
        c.collect(1);
        c.recover();
        // 2 receives the entry (sync), then learns the commit from a heartbeat (no sync).
        c.tick(1, RaftConfig.DEFAULT_HEARTBEAT_TICK);
        c.node(2).step(Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setFrom(1).setTo(2).setTerm(1)
                .setCommit(2).build());
        assertTrue(c.node(2).hasReady());
        Ready rd = c.node(2).ready();
        assertFalse(rd.mustSync(), rd.describe());
    }

    @Test
    void aLoneVoterCommitsInTheReadyThatPersists() {
        TestCluster c = TestCluster.builder().voters(1).build().elect(1);
        c.node(1).propose(bytes("x"));
        Ready rd = c.node(1).ready();
        assertEquals(1, rd.entries().size());
        assertEquals(1, rd.committedEntries().size(), "persist first, then apply: the contract's order");
    }

    @Test
    void readyWithoutAdvanceIsAMisuse() {
        TestCluster c = TestCluster.builder().voters(1).build();
        c.node(1).campaign();
        Ready rd = c.node(1).ready();
        assertFalse(c.node(1).hasReady(), "nothing new until the outstanding Ready is advanced");
        assertThrows(IllegalStateException.class, () -> c.node(1).ready());
        c.node(1).advance(rd);
        assertThrows(IllegalStateException.class, () -> c.node(1).advance(rd));
    }

    @Test
    void inputMayContinueBetweenReadyAndAdvance() {
        TestCluster c = TestCluster.builder().voters(1).build().elect(1);
        c.node(1).propose(bytes("a"));
        Ready first = c.node(1).ready();
        c.node(1).propose(bytes("b"));
        c.peer(1).storage.append(first.entries());
        c.node(1).advance(first);
        Ready second = c.node(1).ready();
        assertEquals(1, second.entries().size());
        assertEquals("b", second.entries().get(0).getData().toStringUtf8());
    }

    @Test
    void theSoftStateIsReportedOnlyWhenItChanges() {
        TestCluster c = TestCluster.builder().voters(1).build();
        c.node(1).campaign();
        Ready rd = c.node(1).ready();
        assertEquals(new SoftState(1, StateRole.LEADER), rd.softState());
        c.peer(1).storage.append(rd.entries());
        c.peer(1).storage.setHardState(rd.hardState());
        c.node(1).advance(rd);
        c.node(1).propose(bytes("x"));
        assertNull(c.node(1).ready().softState());
    }

    @Test
    void describeIsDeterministic() {
        TestCluster c = TestCluster.builder().voters(1).build();
        c.node(1).campaign();
        assertEquals("""
                Lead:1 State:LEADER
                HardState Term:1 Vote:1 Commit:1
                Entries:
                1/1 EntryNormal
                CommittedEntries:
                1/1 EntryNormal
                MustSync""", c.node(1).ready().describe());
    }
}
