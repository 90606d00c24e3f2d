package io.kvasir.txn.gc;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.txn.mvcc.TxnKeys;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link TxnFates} by KvCheckTxnStatus at the leader of the primary's region, found through PD:
 * the same request a client resolving a lock sends, with {@code current_ts} at its maximum so
 * that a lock still there counts as expired and is rolled back, and {@code rollback_if_not_exist}
 * so that a primary never written is rolled back too. A stale route (the leader moved, the region
 * split) is looked up again a few times before giving up for this round.
 */
public final class RemoteTxnFates implements TxnFates, AutoCloseable {
    private static final int ATTEMPTS = 3;
    /** TiKV's maximum timestamp: every TTL has run out by then. */
    private static final long MAX_TS = -1L;

    private final ClusterDirectory directory;
    private final Duration rpcTimeout;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public RemoteTxnFates(ClusterDirectory directory, Duration rpcTimeout) {
        this.directory = directory;
        this.rpcTimeout = rpcTimeout;
    }

    @Override
    public long settle(byte[] primary, long startTs) throws Unsettled, InterruptedException {
        String last = "no attempt";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                Thread.sleep(100L * attempt);
            }
            Optional<ClusterDirectory.RegionLeader> leader;
            try {
                leader = directory.leaderOf(TxnKeys.encode(primary));
            } catch (RuntimeException e) {
                last = "PD: " + e.getMessage();
                continue;
            }
            if (leader.isEmpty()) {
                last = "no leader known for the primary's region";
                continue;
            }
            ClusterDirectory.RegionLeader at = leader.get();
            Kvrpcpb.CheckTxnStatusResponse r;
            try {
                r = TikvGrpc.newBlockingStub(channel(at.address()))
                        .withDeadlineAfter(rpcTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest.newBuilder()
                                .setContext(Kvrpcpb.Context.newBuilder().setRegionId(at.region().getId())
                                        .setRegionEpoch(at.region().getRegionEpoch()).setPeer(at.leader()))
                                .setPrimaryKey(ByteString.copyFrom(primary))
                                .setLockTs(startTs)
                                .setCallerStartTs(0)
                                .setCurrentTs(MAX_TS)
                                .setRollbackIfNotExist(true)
                                .build());
            } catch (StatusRuntimeException e) {
                last = at.address() + ": " + e.getStatus();
                continue;
            }
            if (r.hasRegionError()) {
                last = "region error: " + r.getRegionError().getMessage();
                continue;
            }
            if (r.hasError()) {
                throw new Unsettled("primary of " + startTs + " refused: " + r.getError());
            }
            if (r.getLockTtl() != 0) {
                throw new Unsettled("primary of " + startTs + " still locked after an expiring check");
            }
            return r.getCommitVersion();
        }
        throw new Unsettled("primary of " + startTs + " not reached: " + last);
    }

    private ManagedChannel channel(String address) {
        return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, InsecureChannelCredentials.create())
                .maxInboundMessageSize(16 << 20).build());
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
