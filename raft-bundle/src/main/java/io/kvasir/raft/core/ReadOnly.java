package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's ReadIndex requests waiting for a quorum to confirm its leadership (etcd
 * {@code read_only.go}, thesis §6.4). Each request is keyed by its context, which callers keep
 * unique; a heartbeat round carrying a context confirms it and every older request.
 */
final class ReadOnly {

    /** One pending request: the commit index when it arrived, and who acknowledged the heartbeats since. */
    static final class Status {
        final Message request;
        final long index;
        /** The leader's tick count when the request arrived: heartbeats acknowledging it were sent later. */
        final long startTick;
        final Map<Long, Boolean> acks = new HashMap<>();

        Status(Message request, long index, long startTick) {
            this.request = request;
            this.index = index;
            this.startTick = startTick;
        }
    }

    private final Map<ByteString, Status> pending = new HashMap<>();
    private final ArrayDeque<ByteString> queue = new ArrayDeque<>();

    /** Adds a request whose read index is {@code index}; a duplicate context is ignored. */
    void addRequest(long index, Message request, long startTick) {
        ByteString ctx = request.getEntries(0).getData();
        if (pending.containsKey(ctx)) {
            return;
        }
        pending.put(ctx, new Status(request, index, startTick));
        queue.addLast(ctx);
    }

    /** Records {@code id}'s acknowledgement of the heartbeat carrying {@code ctx}; returns the acks, or null if unknown. */
    Map<Long, Boolean> recvAck(long id, ByteString ctx) {
        Status s = pending.get(ctx);
        if (s == null) {
            return null;
        }
        s.acks.put(id, true);
        return s.acks;
    }

    /** Removes and returns the request for {@code ctx} and every request queued before it, oldest first. */
    List<Status> advance(ByteString ctx) {
        if (!pending.containsKey(ctx)) {
            return List.of();
        }
        List<Status> done = new ArrayList<>();
        while (!queue.isEmpty()) {
            ByteString head = queue.pollFirst();
            Status s = pending.remove(head);
            if (s == null) {
                throw new IllegalStateException("read index queue and pending map disagree at " + head);
            }
            done.add(s);
            if (head.equals(ctx)) {
                break;
            }
        }
        return done;
    }

    /** The newest pending context, or null: heartbeats carry it so one round confirms all. */
    ByteString lastPendingRequestCtx() {
        return queue.peekLast();
    }

    int pendingCount() {
        return pending.size();
    }
}
