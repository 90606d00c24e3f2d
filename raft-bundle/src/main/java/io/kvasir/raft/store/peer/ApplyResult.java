package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import java.util.List;

/**
 * What a region's {@link ApplyFsm} tells its peer after writing a batch (TiKV's {@code ApplyRes}):
 * how far it applied, the region and merge state it applied to, and the effects the Raft side must
 * carry out in order: membership changes for the Raft node, split pieces to open, merged sources
 * to close.
 *
 * @param appliedIndex  the last applied index, now durable with its data
 * @param appliedTerm   its term
 * @param region        the region after the batch
 * @param merging       the merge this region prepared as a source, or null
 * @param truncated     the log's truncated state as the apply state records it
 * @param entries       how many entries the batch applied
 * @param confChanges   membership changes applied, in order
 * @param splits        each applied split's pieces
 * @param mergedSources source regions the batch took in
 */
record ApplyResult(long appliedIndex, long appliedTerm, Metapb.Region region, MergeState merging,
        RaftTruncatedState truncated, int entries, List<ConfChangeV2> confChanges, List<List<Metapb.Region>> splits,
        List<Metapb.Region> mergedSources) {
}
