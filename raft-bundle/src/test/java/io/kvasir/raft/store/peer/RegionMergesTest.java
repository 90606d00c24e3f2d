package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import org.junit.jupiter.api.Test;

class RegionMergesTest {

    private static Metapb.Region region(long id, String start, String end, long version, long confVer, long... stores) {
        Metapb.Region.Builder b = Metapb.Region.newBuilder().setId(id)
                .setStartKey(ByteString.copyFromUtf8(start)).setEndKey(ByteString.copyFromUtf8(end))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(version).setConfVer(confVer));
        for (long s : stores) {
            b.addPeers(Metapb.Peer.newBuilder().setId(id * 100 + s).setStoreId(s));
        }
        return b.build();
    }

    private final Metapb.Region left = region(2, "", "m", 6, 3, 1, 2, 3);
    private final Metapb.Region right = region(1, "m", "", 4, 5, 1, 2, 3);

    @Test
    void aSourceOnTheLeftGivesTheTargetItsStart() {
        Metapb.Region merged = RegionMerges.merged(right, RegionMerges.prepared(left));
        assertEquals(1, merged.getId());
        assertEquals("", merged.getStartKey().toStringUtf8());
        assertEquals("", merged.getEndKey().toStringUtf8());
        assertEquals(8, merged.getRegionEpoch().getVersion(), "above the prepared source's 7 and the target's 4");
        assertEquals(5, merged.getRegionEpoch().getConfVer(), "the target's members, the target's conf_ver");
        assertEquals(right.getPeersList(), merged.getPeersList());
    }

    @Test
    void aSourceOnTheRightGivesTheTargetItsEnd() {
        Metapb.Region merged = RegionMerges.merged(left, right);
        assertEquals(2, merged.getId());
        assertEquals("", merged.getStartKey().toStringUtf8());
        assertEquals("", merged.getEndKey().toStringUtf8());
        assertEquals(7, merged.getRegionEpoch().getVersion());
    }

    @Test
    void prepareFreezesBothEpochFieldsAndRollbackMovesTheVersionOnceMore() {
        Metapb.Region prepared = RegionMerges.prepared(left);
        assertEquals(7, prepared.getRegionEpoch().getVersion());
        assertEquals(4, prepared.getRegionEpoch().getConfVer());
        Metapb.Region thawed = RegionMerges.rolledBack(prepared);
        assertEquals(8, thawed.getRegionEpoch().getVersion());
        assertEquals(4, thawed.getRegionEpoch().getConfVer());
    }

    @Test
    void regionsThatDoNotTouchOrSitOnOtherStoresDoNotMerge() {
        Metapb.Region far = region(3, "p", "", 1, 1, 1, 2, 3);
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(left, far));
        Metapb.Region elsewhere = region(1, "m", "", 4, 5, 1, 2, 4);
        PeerException e = assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(left, elsewhere));
        assertTrue(e.getMessage().contains("stores"), e.getMessage());
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(left, left));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(left, region(1, "m", "", 4, 5, 1, 2)));
    }

    @Test
    void aJointConfigurationOnEitherSideStopsTheMerge() {
        Metapb.Region joint = right.toBuilder().setPeers(2, right.getPeers(2).toBuilder()
                .setRole(Metapb.PeerRole.IncomingVoter)).build();
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(left, joint));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(joint, left));
    }

    @Test
    void theUnboundedEndsNeverCountAsTouching() {
        Metapb.Region whole = region(5, "", "", 1, 1, 1, 2, 3);
        Metapb.Region other = region(6, "", "", 1, 1, 1, 2, 3);
        assertThrows(PeerException.InvalidCommand.class, () -> RegionMerges.check(whole, other));
    }
}
