package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.DeleteRangeRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftCmdpb.Request;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionKeys;
import java.util.Comparator;

/**
 * What a normal (non-admin) Raft command means for the data: the checks it must pass and the
 * engine writes it makes (TiKV {@code apply.rs}: {@code check_region_epoch},
 * {@code handle_put/delete/delete_range}). The same checks run at propose, to refuse early, and
 * at apply, where they decide (the region may have changed in between); they depend only on the
 * command and the region, so every replica decides alike.
 */
final class WriteCommands {

    private WriteCommands() {
    }

    /**
     * Checks {@code cmd} against {@code region}; throws the {@link PeerException} that answers it.
     * Normal commands check the epoch's version only, as TiKV does: a membership change
     * ({@code conf_ver}) does not move keys, a split or merge ({@code version}) does. Sizes are
     * checked against the engine's {@code limits} here, so that {@link #addTo} cannot fail halfway
     * through a command.
     */
    static void check(RaftCmdRequest cmd, Metapb.Region region, EngineLimits limits) {
        long regionId = region.getId();
        if (cmd.hasAdminRequest() || cmd.hasStatusRequest()) {
            throw new PeerException.InvalidCommand(regionId, "admin and status requests are not supported yet");
        }
        if (cmd.getRequestsCount() == 0) {
            throw new PeerException.InvalidCommand(regionId, "no requests");
        }
        if (cmd.getHeader().getRegionId() != regionId) {
            throw new PeerException.InvalidCommand(regionId, "header names region " + cmd.getHeader().getRegionId());
        }
        if (!cmd.getHeader().hasRegionEpoch()) {
            throw new PeerException.InvalidCommand(regionId, "missing region epoch");
        }
        long version = cmd.getHeader().getRegionEpoch().getVersion();
        long current = region.getRegionEpoch().getVersion();
        if (version != current) {
            throw new PeerException.EpochNotMatch(regionId, "request version " + version + ", region version " + current,
                    region);
        }
        for (Request r : cmd.getRequestsList()) {
            checkRequest(r, region, limits);
        }
    }

    private static void checkRequest(Request r, Metapb.Region region, EngineLimits limits) {
        long regionId = region.getId();
        switch (r.getCmdType()) {
            case Put -> {
                cf(regionId, r.getPut().getCf());
                inRegion(r.getPut().getKey(), region);
                fits(regionId, "key", r.getPut().getKey().size() + 1, limits.maxKeySize());
                fits(regionId, "value", r.getPut().getValue().size(), limits.maxValueSize());
            }
            case Delete -> {
                cf(regionId, r.getDelete().getCf());
                inRegion(r.getDelete().getKey(), region);
                fits(regionId, "key", r.getDelete().getKey().size() + 1, limits.maxKeySize());
            }
            case DeleteRange -> {
                DeleteRangeRequest d = r.getDeleteRange();
                cf(regionId, d.getCf());
                inRegion(d.getStartKey(), region);
                ByteString end = d.getEndKey();
                // A range bound may be one byte longer than a key (EngineLimits#checkBound).
                fits(regionId, "range start", d.getStartKey().size() + 1, limits.maxKeySize() + 1);
                fits(regionId, "range end", Math.max(end.size(), region.getEndKey().size()) + 1, limits.maxKeySize() + 1);
                if (!end.isEmpty()) {
                    if (!region.getEndKey().isEmpty() && compare(end, region.getEndKey()) > 0) {
                        throw new PeerException.KeyNotInRegion(regionId, end.toByteArray(), region);
                    }
                    if (compare(d.getStartKey(), end) > 0) {
                        throw new PeerException.InvalidCommand(regionId, "delete range start is above its end");
                    }
                }
            }
            default -> throw new PeerException.InvalidCommand(regionId, "command type " + r.getCmdType()
                    + " cannot be proposed (only Put, Delete and DeleteRange)");
        }
    }

    /**
     * Adds the writes of a {@link #check checked} command to {@code batch}, in request order. User
     * keys get the data prefix ({@link DataKeys#data}). A DeleteRange with an empty end runs to the
     * region's end; one marked {@code notify_only} deletes nothing (TiKV uses it to tell observers).
     */
    static void addTo(WriteBatch batch, RaftCmdRequest cmd, Metapb.Region region) {
        long regionId = region.getId();
        for (Request r : cmd.getRequestsList()) {
            switch (r.getCmdType()) {
                case Put -> batch.put(cf(regionId, r.getPut().getCf()), DataKeys.data(r.getPut().getKey().toByteArray()),
                        r.getPut().getValue().toByteArray());
                case Delete -> batch.delete(cf(regionId, r.getDelete().getCf()),
                        DataKeys.data(r.getDelete().getKey().toByteArray()));
                case DeleteRange -> {
                    DeleteRangeRequest d = r.getDeleteRange();
                    if (d.getNotifyOnly()) {
                        continue;
                    }
                    ByteString end = d.getEndKey().isEmpty() ? region.getEndKey() : d.getEndKey();
                    batch.deleteRange(cf(regionId, d.getCf()), DataKeys.data(d.getStartKey().toByteArray()),
                            DataKeys.dataEnd(end.toByteArray()));
                }
                default -> throw new IllegalStateException("unchecked command type " + r.getCmdType());
            }
        }
    }

    /** The column family a request names: {@code ""} is default; the raft CF is not for commands. */
    static ColumnFamily cf(long regionId, String name) {
        return switch (name) {
            case "", "default" -> ColumnFamily.DEFAULT;
            case "lock" -> ColumnFamily.LOCK;
            case "write" -> ColumnFamily.WRITE;
            default -> throw new PeerException.InvalidCommand(regionId, "unknown column family '" + name + "'");
        };
    }

    private static void inRegion(ByteString key, Metapb.Region region) {
        byte[] k = key.toByteArray();
        if (!RegionKeys.contains(region, k)) {
            throw new PeerException.KeyNotInRegion(region.getId(), k, region);
        }
    }

    private static void fits(long regionId, String what, long size, long limit) {
        if (size > limit) {
            throw new PeerException.InvalidCommand(regionId, what + " of " + size + " bytes exceeds the engine's limit of "
                    + limit + " bytes");
        }
    }

    private static final Comparator<ByteString> UNSIGNED = ByteString.unsignedLexicographicalComparator();

    private static int compare(ByteString a, ByteString b) {
        return UNSIGNED.compare(a, b);
    }
}
