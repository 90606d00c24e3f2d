package io.kvasir.raft.store;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerView;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds regions this store leads that grew past {@code coprocessor.region-max-size} or
 * {@code region-max-keys} (TiKV's split-check worker) and splits each into pieces of about
 * {@code region-split-size} / {@code region-split-keys}, all at once, through {@link RegionSplitter}.
 * The sizes and the split keys come from the engine's range properties (engine-api), so no region
 * is scanned key by key unless the engine has nothing better. One check at a time per region.
 */
final class SplitChecker {
    private static final Logger LOG = LoggerFactory.getLogger(SplitChecker.class);

    private final KvEngine engine;
    private final PeerDriver driver;
    private final Splitter splitter;
    private final SplitPolicy policy;
    private final Set<Long> splitting = ConcurrentHashMap.newKeySet();

    /** What carries out a split ({@link RegionSplitter} in a store). */
    @FunctionalInterface
    interface Splitter {
        CompletableFuture<?> split(long regionId, List<ByteString> keys);
    }

    SplitChecker(KvEngine engine, PeerDriver driver, Splitter splitter, SplitPolicy policy) {
        this.engine = engine;
        this.driver = driver;
        this.splitter = splitter;
        this.policy = policy;
    }

    /** One round over the regions this store leads; returns how many splits it started. */
    int checkAll() {
        int started = 0;
        for (PeerView view : driver.views()) {
            if (view.isLeader() && view.initialized() && !splitting.contains(view.regionId()) && check(view)) {
                started++;
            }
        }
        return started;
    }

    private boolean check(PeerView view) {
        KeyRange range = KeyRange.of(DataKeys.data(view.region().getStartKey().toByteArray()),
                DataKeys.dataEnd(view.region().getEndKey().toByteArray()));
        try {
            long size = engine.approximateSize(range, ColumnFamily.DATA);
            long keys = engine.approximateKeys(range, ColumnFamily.DATA);
            if (size <= policy.maxBytes() && keys <= policy.maxKeys()) {
                return false;
            }
            Set<ByteString> unique = new LinkedHashSet<>();
            for (byte[] dataKey : engine.splitKeys(range, policy, ColumnFamily.DATA)) {
                unique.add(ByteString.copyFrom(SplitKeys.atUserKey(DataKeys.origin(dataKey))));
            }
            List<ByteString> splitKeys = new ArrayList<>(unique);
            if (splitKeys.isEmpty()) {
                return false;
            }
            LOG.info("region {}: about {} bytes, {} keys; splitting at {} key(s)", view.regionId(), size, keys,
                    splitKeys.size());
            splitting.add(view.regionId());
            splitter.split(view.regionId(), splitKeys).whenComplete((regions, failure) -> {
                splitting.remove(view.regionId());
                if (failure != null) {
                    LOG.info("region {}: split failed: {}", view.regionId(), failure.getMessage());
                }
            });
            return true;
        } catch (RuntimeException e) {
            LOG.warn("region {}: split check failed: {}", view.regionId(), e.toString());
            return false;
        }
    }
}
