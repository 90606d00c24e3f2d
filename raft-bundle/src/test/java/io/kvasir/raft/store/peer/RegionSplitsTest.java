package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.BatchSplitRequest;
import io.kvasir.kvproto.RaftCmdpb.SplitRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionSplitsTest {

    private final Metapb.Region parent = Metapb.Region.newBuilder().setId(1)
            .setStartKey(ByteString.copyFromUtf8("a")).setEndKey(ByteString.copyFromUtf8("z"))
            .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(4).setConfVer(7))
            .addPeers(Metapb.Peer.newBuilder().setId(11).setStoreId(1))
            .addPeers(Metapb.Peer.newBuilder().setId(12).setStoreId(2))
            .build();

    private static BatchSplitRequest split(boolean rightDerive, String... keys) {
        BatchSplitRequest.Builder b = BatchSplitRequest.newBuilder().setRightDerive(rightDerive);
        long id = 100;
        for (String k : keys) {
            b.addRequests(SplitRequest.newBuilder().setSplitKey(ByteString.copyFromUtf8(k)).setNewRegionId(id)
                    .addNewPeerIds(id + 1).addNewPeerIds(id + 2));
            id += 10;
        }
        return b.build();
    }

    @Test
    void rightDeriveKeepsTheParentIdOnTheLastPiece() {
        List<Metapb.Region> pieces = RegionSplits.apply(parent, split(true, "f", "m"));
        assertEquals(List.of(100L, 110L, 1L), pieces.stream().map(Metapb.Region::getId).toList());
        assertEquals(List.of("a", "f", "m"), pieces.stream().map(r -> r.getStartKey().toStringUtf8()).toList());
        assertEquals(List.of("f", "m", "z"), pieces.stream().map(r -> r.getEndKey().toStringUtf8()).toList());
        for (Metapb.Region r : pieces) {
            assertEquals(6, r.getRegionEpoch().getVersion(), "parent version + new regions");
            assertEquals(7, r.getRegionEpoch().getConfVer());
        }
        assertEquals(List.of(101L, 102L), pieces.get(0).getPeersList().stream().map(Metapb.Peer::getId).toList());
        assertEquals(List.of(1L, 2L), pieces.get(0).getPeersList().stream().map(Metapb.Peer::getStoreId).toList());
        assertEquals(List.of(11L, 12L), pieces.get(2).getPeersList().stream().map(Metapb.Peer::getId).toList());
    }

    @Test
    void leftDeriveKeepsTheParentIdOnTheFirstPiece() {
        List<Metapb.Region> pieces = RegionSplits.apply(parent, split(false, "f", "m"));
        assertEquals(List.of(1L, 100L, 110L), pieces.stream().map(Metapb.Region::getId).toList());
    }

    @Test
    void keysOutsideTheRegionOrOutOfOrderAreRefused() {
        assertThrows(PeerException.InvalidCommand.class, () -> RegionSplits.apply(parent, split(true, "a")));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionSplits.apply(parent, split(true, "z")));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionSplits.apply(parent, split(true, "m", "f")));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionSplits.apply(parent, split(true, "f", "f")));
        assertThrows(PeerException.InvalidCommand.class, () -> RegionSplits.apply(parent, BatchSplitRequest.newBuilder()
                .addRequests(SplitRequest.newBuilder().setSplitKey(ByteString.copyFromUtf8("f")).setNewRegionId(5)
                        .addNewPeerIds(6)).build()), "one new peer id for two peers");
    }
}
