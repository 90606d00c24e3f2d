package io.kvasir.raft.api;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import java.util.Arrays;

/** Key-range arithmetic on regions, whose empty end key means "unbounded". */
public final class RegionKeys {
    private RegionKeys() {
    }

    /** True when {@code key} lies in the region's {@code [start_key, end_key)}. */
    public static boolean contains(Metapb.Region region, byte[] key) {
        return compare(key, region.getStartKey()) >= 0
                && (region.getEndKey().isEmpty() || compare(key, region.getEndKey()) < 0);
    }

    /** Unsigned lexicographic order, the order of every engine. */
    public static int compare(byte[] a, ByteString b) {
        return Arrays.compareUnsigned(a, b.toByteArray());
    }
}
