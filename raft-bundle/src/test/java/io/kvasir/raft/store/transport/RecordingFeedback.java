package io.kvasir.raft.store.transport;

import io.kvasir.raft.store.peer.RaftTransport;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the transport reports. */
final class RecordingFeedback implements RaftTransport.Feedback {
    /** Each report, in order; a peer may appear more than once. */
    final List<TargetPeer> unreachable = new CopyOnWriteArrayList<>();
    final List<SnapshotStatus> snapshots = new CopyOnWriteArrayList<>();

    record SnapshotStatus(long regionId, long peerId, boolean delivered) {
    }

    @Override
    public void unreachable(long regionId, long toPeerId) {
        unreachable.add(new TargetPeer(regionId, toPeerId));
    }

    @Override
    public void snapshotStatus(long regionId, long toPeerId, boolean delivered) {
        snapshots.add(new SnapshotStatus(regionId, toPeerId, delivered));
    }

    Set<TargetPeer> unreachablePeers() {
        Set<TargetPeer> s = ConcurrentHashMap.newKeySet();
        s.addAll(unreachable);
        return s;
    }

    /** The status reported for region {@code regionId}, or null if none yet. */
    SnapshotStatus snapshotOf(long regionId) {
        return snapshots.stream().filter(s -> s.regionId() == regionId).findFirst().orElse(null);
    }
}
