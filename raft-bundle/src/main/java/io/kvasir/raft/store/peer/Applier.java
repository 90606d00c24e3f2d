package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one region's committed entries to the engine, in index order, and keeps its
 * {@code RaftApplyState} (TiKV {@code apply.rs}, reduced to normal commands).
 *
 * <p>Exactly-once: the data changes of a run of entries and the apply state naming the last of
 * them go into one batch ({@link #stage} then {@link #stageState}), so after a crash the engine
 * holds either both or neither, and replay starts right after the last applied entry. The
 * in-memory state moves only once that batch is written ({@link #applied}).
 *
 * <p>What an entry does: an empty normal entry (a new leader's no-op) and a membership change only
 * advance the applied index; a normal entry is decoded as a {@code RaftCmdRequest}, checked
 * ({@link WriteCommands#check}) and written. A command that fails its check, or does not decode,
 * changes no data and is answered with the error: the outcome depends only on the entry and the
 * region, so every replica makes the same choice. Not thread-safe: the driver thread owns it.
 */
final class Applier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /** The result of one applied entry: {@code error} is null when the command took effect. */
    record Outcome(long index, long term, PeerException error) {
    }

    private final long regionId;
    private final EngineLimits limits;
    private final Metapb.Region region;
    private RaftApplyState state;
    /** The index and term of the last entry staged; equal to the state's once written. */
    private long stagedIndex;

    Applier(Metapb.Region region, RaftApplyState state, EngineLimits limits) {
        this.regionId = region.getId();
        this.region = region;
        this.state = state;
        this.limits = limits;
        this.stagedIndex = state.getAppliedIndex();
    }

    Metapb.Region region() {
        return region;
    }

    RaftApplyState state() {
        return state;
    }

    long appliedIndex() {
        return state.getAppliedIndex();
    }

    /**
     * Adds the data changes of {@code entries} (the next ones after what is applied or staged) to
     * {@code batch} and returns the outcome of each, in order.
     */
    List<Outcome> stage(WriteBatch batch, List<Entry> entries) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Entry e : entries) {
            if (e.getIndex() != stagedIndex + 1) {
                throw new IllegalStateException("region " + regionId + ": applying entry " + e.getIndex()
                        + " after " + stagedIndex);
            }
            PeerException error = null;
            if (e.getEntryType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
                error = applyCommand(batch, e);
            } else if (e.getEntryType() != EntryType.EntryNormal) {
                // TODO(peer): membership changes come with replication across stores (next issue):
                // RawNode#applyConfChange and the region's peer list. A single voter proposes none.
                LOG.warn("region {}: membership change at index {} ignored; not supported yet", regionId, e.getIndex());
            }
            outcomes.add(new Outcome(e.getIndex(), e.getTerm(), error));
            stagedIndex = e.getIndex();
        }
        return outcomes;
    }

    private PeerException applyCommand(WriteBatch batch, Entry e) {
        RaftCmdRequest cmd;
        try {
            cmd = RaftCmdRequest.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            return new PeerException.InvalidCommand(regionId, "entry " + e.getIndex() + " does not decode as a RaftCmdRequest");
        }
        try {
            WriteCommands.check(cmd, region, limits);
        } catch (PeerException refused) {
            return refused;
        }
        WriteCommands.addTo(batch, cmd, region);
        return null;
    }

    /**
     * Adds to {@code batch} the apply state after everything staged, with {@code truncated} as the
     * log's truncated state, and returns it; install it with {@link #applied} once written.
     */
    RaftApplyState stageState(WriteBatch batch, RaftTruncatedState truncated) {
        RaftApplyState next = state.toBuilder().setAppliedIndex(stagedIndex).setTruncatedState(truncated).build();
        batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(regionId), next.toByteArray());
        return next;
    }

    /** The batch holding {@code next} was written. */
    void applied(RaftApplyState next) {
        state = next;
    }

    /** The staged batch was not written: forget what was staged. */
    void abandonStaged() {
        stagedIndex = state.getAppliedIndex();
    }
}
