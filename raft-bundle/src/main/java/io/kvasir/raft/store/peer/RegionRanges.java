package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;

/** Key-range arithmetic on regions, where an empty end key means "to the end of the key space". */
final class RegionRanges {

    private RegionRanges() {
    }

    static boolean overlap(Metapb.Region a, Metapb.Region b) {
        return before(a.getStartKey(), b.getEndKey()) && before(b.getStartKey(), a.getEndKey());
    }

    /** Whether {@code start} lies before the exclusive {@code end}. */
    private static boolean before(ByteString start, ByteString end) {
        return end.isEmpty() || ByteString.unsignedLexicographicalComparator().compare(start, end) < 0;
    }
}
