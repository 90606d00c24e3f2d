package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

class MessageBatcherTest {

    private static RaftMessage withEntry(long index, int bytes) {
        RaftMessage m = message(1, 2, 2, index);
        return m.toBuilder().setMessage(m.getMessage().toBuilder()
                .addEntries(Eraftpb.Entry.newBuilder().setIndex(index).setData(ByteString.copyFrom(new byte[bytes]))))
                .build();
    }

    private static List<Long> indexes(BatchRaftMessage batch) {
        return batch.getMsgsList().stream().map(m -> m.getMessage().getIndex()).toList();
    }

    @Test
    void takesWhatIsQueuedUpToTheCount() throws Exception {
        BlockingQueue<RaftMessage> q = new ArrayBlockingQueue<>(100);
        for (int i = 0; i < 10; i++) {
            q.add(message(1, 2, 2, i));
        }
        MessageBatcher batcher = new MessageBatcher(4, 1 << 20);
        List<List<Long>> batches = new ArrayList<>();
        for (BatchRaftMessage b; (b = batcher.next(q, 0)) != null; ) {
            batches.add(indexes(b));
        }
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L)), batches);
    }

    @Test
    void aMessageThatWouldOverflowTheBytesWaitsForTheNextBatchAndAGiantGoesAlone() throws Exception {
        BlockingQueue<RaftMessage> q = new ArrayBlockingQueue<>(100);
        q.add(withEntry(0, 3_000));
        q.add(withEntry(1, 3_000));
        q.add(withEntry(2, 3_000));
        q.add(withEntry(3, 50_000));
        q.add(withEntry(4, 10));
        long limit = 8_000;
        MessageBatcher batcher = new MessageBatcher(128, limit);
        List<List<Long>> batches = new ArrayList<>();
        for (BatchRaftMessage b; (b = batcher.next(q, 0)) != null; ) {
            batches.add(indexes(b));
            assertTrue(b.getSerializedSize() <= limit || b.getMsgsCount() == 1, "batch of " + b.getSerializedSize() + " bytes");
        }
        assertEquals(List.of(List.of(0L, 1L), List.of(2L), List.of(3L), List.of(4L)), batches);
    }

    @Test
    void theEncodedSizeIsExactlyWhatTheBatchGrowsBy() {
        RaftMessage a = withEntry(1, 200);
        RaftMessage b = withEntry(2, 300);
        BatchRaftMessage batch = BatchRaftMessage.newBuilder().addMsgs(a).addMsgs(b).build();
        assertEquals(batch.getSerializedSize(), MessageBatcher.encodedSize(a) + MessageBatcher.encodedSize(b));
    }

    @Test
    void theHeldMessageCanBeTakenBackWhenTheStreamFails() throws Exception {
        BlockingQueue<RaftMessage> q = new ArrayBlockingQueue<>(10);
        q.add(withEntry(0, 3_000));
        q.add(withEntry(1, 3_000));
        MessageBatcher batcher = new MessageBatcher(128, 4_000);
        assertEquals(List.of(0L), indexes(batcher.next(q, 0)));
        assertEquals(1, batcher.takeHeld().getMessage().getIndex());
        assertNull(batcher.next(q, 0), "nothing left once the held message was taken");
    }
}
