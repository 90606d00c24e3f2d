package io.kvasir.raft.core;

import static io.kvasir.raft.core.TestCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeTransition;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import org.junit.jupiter.api.Test;

/** The text of {@link Describe}: stable, because tests and logs depend on it. */
class DescribeTest {

    @Test
    void messages() {
        Message app = Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(2)
                .setLogTerm(1).setIndex(5).setCommit(4)
                .addEntries(Entry.newBuilder().setTerm(2).setIndex(6).setData(bytes("put x"))).build();
        assertEquals("1->2 MsgAppend Term:2 Log:1/5 Commit:4 Entries:[2/6 EntryNormal \"put x\"]", Describe.message(app));
        Message rej = Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setFrom(2).setTo(1).setTerm(2)
                .setIndex(5).setReject(true).setRejectHint(3).build();
        assertEquals("2->1 MsgAppendResponse Term:2 Log:0/5 Rejected (Hint: 3)", Describe.message(rej));
    }

    @Test
    void entriesWithConfChangesAndBinaryData() {
        Entry cc = ConfChanges.toEntry(TestCluster.joint(ConfChangeTransition.Explicit, TestCluster.voter(4),
                TestCluster.learner(5), TestCluster.removal(3))).toBuilder().setTerm(2).setIndex(7).build();
        assertEquals("2/7 EntryConfChangeV2 v4 l5 r3 transition=Explicit", Describe.entry(cc));
        Entry bin = Entry.newBuilder().setTerm(1).setIndex(1).setData(ByteString.copyFrom(new byte[] {0, 1, (byte) 255}))
                .build();
        assertEquals("1/1 EntryNormal 0x0001ff", Describe.entry(bin));
    }

    @Test
    void statesAndConfigs() {
        assertEquals("Term:3 Vote:2 Commit:9",
                Describe.hardState(HardState.newBuilder().setTerm(3).setVote(2).setCommit(9).build()));
        assertEquals("Voters:[1 2 3] VotersOutgoing:[1 2] Learners:[4] LearnersNext:[3] AutoLeave:true",
                Describe.confState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addVotersOutgoing(1)
                        .addVotersOutgoing(2).addLearners(4).addLearnersNext(3).setAutoLeave(true).build()));
    }

    @Test
    void longDataIsCut() {
        assertEquals("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"...(40 bytes)", Describe.data(bytes("a".repeat(40))));
    }
}
