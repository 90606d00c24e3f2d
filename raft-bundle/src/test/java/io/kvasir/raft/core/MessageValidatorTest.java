package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.Eraftpb.SnapshotMetadata;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** No message from the network can make a node throw (STYLE rule 7): malformed ones are ignored. */
class MessageValidatorTest {

    private static Message.Builder app() {
        return Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(3).setIndex(4)
                .setLogTerm(2);
    }

    @Test
    void wellFormedMessagesPass() {
        assertNull(MessageValidator.problem(app().addEntries(Entry.newBuilder().setIndex(5).setTerm(3)).build(), 2));
        assertNull(MessageValidator.problem(Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(1).setTo(2)
                .addEntries(Entry.getDefaultInstance()).build(), 2));
    }

    @Test
    void malformedMessagesAreNamed() {
        assertEquals("addressed to 3, not 2", MessageValidator.problem(app().setTo(3).build(), 2));
        assertEquals("bad sender 2", MessageValidator.problem(app().setFrom(2).build(), 2));
        assertEquals("term 0 on a MsgAppend", MessageValidator.problem(app().setTerm(0).build(), 2));
        assertEquals("a numeric field is out of range", MessageValidator.problem(app().setCommit(-1).build(), 2));
        assertEquals("entry 0 has index 9, expected 5",
                MessageValidator.problem(app().addEntries(Entry.newBuilder().setIndex(9).setTerm(3)).build(), 2));
        assertEquals("entry 5 has term 4 outside [2, 3]",
                MessageValidator.problem(app().addEntries(Entry.newBuilder().setIndex(5).setTerm(4)).build(), 2));
        assertEquals("message type 0 is not accepted from the network",
                MessageValidator.problem(app().setMsgType(MessageType.MsgHup).build(), 2));
        assertNotNull(MessageValidator.problem(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(1)
                .setTo(2).setTerm(1).build(), 2));
    }

    @Test
    void randomGarbageNeverMakesANodeThrow() {
        SplittableRandom random = new SplittableRandom(99);
        TestCluster c = TestCluster.builder().voters(1, 2, 3).build().elect(1).propose(1, "x");
        MessageType[] types = MessageType.values();
        for (int i = 0; i < 50_000; i++) {
            long to = 1 + random.nextInt(3);
            Message.Builder m = Message.newBuilder()
                    .setMsgType(types[random.nextInt(types.length - 1)])
                    .setFrom(random.nextInt(5))
                    .setTo(random.nextInt(10) == 0 ? 7 : to)
                    .setTerm(small(random))
                    .setLogTerm(small(random))
                    .setIndex(small(random))
                    .setCommit(small(random))
                    .setReject(random.nextBoolean())
                    .setRejectHint(small(random));
            int n = random.nextInt(4);
            for (int e = 0; e < n; e++) {
                m.addEntries(Entry.newBuilder().setIndex(small(random)).setTerm(small(random))
                        .setEntryType(EntryType.forNumber(random.nextInt(3)))
                        .setData(ByteString.copyFrom(new byte[] {(byte) random.nextInt()})));
            }
            if (random.nextInt(10) == 0) {
                m.setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(small(random))
                        .setTerm(small(random)).setConfState(ConfState.newBuilder().addVoters(random.nextInt(5)))));
            }
            if (random.nextInt(5) == 0) {
                m.setContext(ByteString.copyFromUtf8("ctx" + random.nextInt(3)));
            }
            c.node(to).step(m.build());
            if (random.nextInt(20) == 0) {
                c.tickAll(1);
            }
            c.deliverAll();
        }
    }

    /** Mostly small values, sometimes huge ones (uint64 past 2^63 arrives as a negative long). */
    private static long small(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> -1L - random.nextInt(5);
            case 1 -> Long.MAX_VALUE - random.nextInt(5);
            default -> random.nextInt(8);
        };
    }
}
