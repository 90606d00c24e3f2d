package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One simulated peer: a {@link RawNode}, the storage that survives its crashes, and a tiny state
 * machine (its state is the index of the last entry applied). A crash throws away the RawNode and
 * everything it had not yet handed out in a Ready: unstable entries, an unpersisted vote, unsent
 * messages — exactly what a real crash loses. Ready handling follows the contract, checked by
 * {@link SimInvariants} as it goes.
 */
final class SimNode {

    /** A read waiting for its ReadState, then for the applied index to reach it. */
    static final class PendingRead {
        final ByteString ctx;
        /** The highest write acknowledged anywhere when the read began: the result must include it. */
        final long mustSee;
        long readIndex = -1;

        PendingRead(ByteString ctx, long mustSee) {
            this.ctx = ctx;
            this.mustSee = mustSee;
        }
    }

    final long id;
    final MemoryLogStorage storage;
    private final RaftConfig.Builder configTemplate;
    private final long seed;
    RawNode node;
    boolean up = true;
    int incarnation;
    /** Whether a persist event is scheduled for this incarnation. */
    boolean persistScheduled;
    /** State machine: last applied index and the configuration as of it. */
    long applied;
    ConfState confState;
    final Map<ByteString, PendingRead> reads = new HashMap<>();

    SimNode(long id, MemoryLogStorage storage, RaftConfig.Builder configTemplate, long seed) {
        this.id = id;
        this.storage = storage;
        this.configTemplate = configTemplate;
        this.seed = seed;
        start();
    }

    private void start() {
        // The state machine restarts from the snapshot (its durable state); raft hands out what follows.
        Snapshot snap = storage.snapshot();
        applied = snap.getMetadata().getIndex();
        confState = storage.initialState().confState();
        RaftConfig cfg = configTemplate.random(RandomSource.seeded(seed * 1_000_003L + id * 7919L + incarnation))
                .applied(applied).build();
        node = new RawNode(cfg, storage);
    }

    Raft raft() {
        return node.raft();
    }

    void crash() {
        up = false;
        incarnation++;
        persistScheduled = false;
        reads.clear();
    }

    void restart() {
        up = true;
        start();
    }

    /**
     * Handles one Ready: persist, send, apply, read, advance (the {@link Ready} contract). Sent
     * messages go to {@code out}.
     */
    void handleReady(SimInvariants inv, List<Message> out) {
        Ready rd = node.ready();
        inv.beforePersist(this, rd);
        if (rd.snapshot() != null) {
            storage.applySnapshot(rd.snapshot());
        }
        storage.append(rd.entries());
        if (rd.hardState() != null) {
            storage.setHardState(rd.hardState());
        }
        out.addAll(rd.messages());
        if (rd.snapshot() != null) {
            applied = rd.snapshot().getMetadata().getIndex();
            confState = rd.snapshot().getMetadata().getConfState();
            inv.onSnapshotRestored(this, rd.snapshot());
        }
        for (Entry e : rd.committedEntries()) {
            inv.onApply(this, e);
            applied = e.getIndex();
            if (e.getEntryType() == EntryType.EntryNormal) {
                continue;
            }
            ConfChangeV2 cc = ConfChanges.decode(e);
            if (cc != null) {
                try {
                    confState = node.applyConfChange(cc);
                } catch (ConfChangeRefusedException refused) {
                    // Every replica refuses it alike: a no-op.
                }
            }
        }
        for (ReadState rs : rd.readStates()) {
            PendingRead r = reads.get(rs.requestCtx());
            if (r != null && r.readIndex < 0) {
                r.readIndex = rs.index();
                inv.onReadIndex(this, r);
            }
        }
        node.advance(rd);
        serveReads(inv);
    }

    /** Serves every confirmed read whose index is applied. */
    void serveReads(SimInvariants inv) {
        if (reads.isEmpty()) {
            return;
        }
        Iterator<PendingRead> it = reads.values().iterator();
        while (it.hasNext()) {
            PendingRead r = it.next();
            if (r.readIndex >= 0 && applied >= r.readIndex) {
                inv.onReadServed(this, r, applied);
                it.remove();
            }
        }
    }

    /** The application compacts: snapshot at the applied index, keep {@code keep} entries behind it. */
    void compact(long keep) {
        long upTo = applied - keep;
        if (upTo <= storage.snapshot().getMetadata().getIndex() || upTo > storage.lastIndex()) {
            return;
        }
        // The snapshot is taken where the state machine is, with the config in force there; the log
        // keeps `keep` entries behind it so that slightly lagging followers still get entries.
        storage.createSnapshot(applied, confState, ByteString.EMPTY);
        storage.compact(upTo);
    }

    List<Long> voters() {
        List<Long> v = new ArrayList<>(confState.getVotersList());
        for (long o : confState.getVotersOutgoingList()) {
            if (!v.contains(o)) {
                v.add(o);
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return up ? raft().toString() + " applied=" + applied : "node " + id + " DOWN";
    }
}
