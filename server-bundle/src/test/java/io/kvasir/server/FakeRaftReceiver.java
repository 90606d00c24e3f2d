package io.kvasir.server;

import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A receiver that records what the Raft RPCs hand it; it can be told to refuse. */
final class FakeRaftReceiver implements RaftMessageReceiver {
    final List<RaftMessage> received = new CopyOnWriteArrayList<>();
    final List<Sink> sinks = new CopyOnWriteArrayList<>();
    /** Thrown by receiveSnapshot, if set. */
    volatile RuntimeException refuseSnapshot;
    /** Thrown by finish, if set. */
    volatile RuntimeException failFinish;

    @Override
    public void receive(RaftMessage message) {
        received.add(message);
    }

    @Override
    public SnapshotSink receiveSnapshot(RaftMessage header) {
        RuntimeException refusal = refuseSnapshot;
        if (refusal != null) {
            throw refusal;
        }
        Sink sink = new Sink(header);
        sinks.add(sink);
        return sink;
    }

    final class Sink implements SnapshotSink {
        final RaftMessage header;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean finished;
        volatile boolean aborted;

        Sink(RaftMessage header) {
            this.header = header;
        }

        @Override
        public synchronized void write(byte[] chunk, int offset, int length) {
            bytes.write(chunk, offset, length);
        }

        @Override
        public void finish() {
            RuntimeException failure = failFinish;
            if (failure != null) {
                throw failure;
            }
            finished = true;
            received.add(header);
        }

        @Override
        public void abort() {
            if (!finished) {
                aborted = true;
            }
        }
    }
}
