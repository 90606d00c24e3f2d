package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.kvproto.RaftCmdpb.CmdType;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Builders for the peer tests: regions, commands, a small RocksDB engine, a manual clock. */
final class PeerFixtures {

    static final long STORE_ID = 1;

    private PeerFixtures() {
    }

    /** A RocksDB engine sized for tests. */
    static KvEngine openEngine(Path dir) {
        RocksDbOptions d = RocksDbOptions.defaults();
        RocksDbOptions small = new RocksDbOptions(8L << 20, 1L << 20, d.maxWriteBufferNumber(), 2,
                d.level0SlowdownTrigger(), d.level0StopTrigger(), d.softPendingCompactionBytesLimit(),
                d.hardPendingCompactionBytesLimit(), "none", d.maxKeyBytes(), d.maxValueBytes());
        return RocksDbEngine.open(dir, small);
    }

    /** A manual clock: ticks happen only when a test moves it. */
    static final class ManualTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long nanos() {
            return nanos.get();
        }
    }

    static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    static byte[] raw(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A region builder: id, range, epoch, and one voter per peer id (on stores 1, 2, ...). */
    static final class RegionBuilder {
        private final Metapb.Region.Builder region = Metapb.Region.newBuilder();

        RegionBuilder(long id) {
            region.setId(id).setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        }

        RegionBuilder range(String start, String end) {
            region.setStartKey(bytes(start)).setEndKey(bytes(end));
            return this;
        }

        RegionBuilder version(long version) {
            region.getRegionEpochBuilder().setVersion(version);
            return this;
        }

        RegionBuilder voter(long peerId) {
            region.addPeers(Metapb.Peer.newBuilder().setId(peerId).setStoreId(STORE_ID + region.getPeersCount()));
            return this;
        }

        Metapb.Region build() {
            return region.build();
        }
    }

    static RegionBuilder region(long id) {
        return new RegionBuilder(id);
    }

    /** A single-voter region {@code id} with peer {@code id * 100} on store 1, over [start, end). */
    static Metapb.Region soloRegion(long id, String start, String end) {
        return region(id).range(start, end).voter(id * 100).build();
    }

    static Metapb.Peer selfOf(Metapb.Region region) {
        return region.getPeers(0);
    }

    /** A command builder addressed to {@code region} with its current epoch. */
    static final class CommandBuilder {
        private final RaftCmdRequest.Builder cmd = RaftCmdRequest.newBuilder();

        CommandBuilder(Metapb.Region region) {
            cmd.getHeaderBuilder().setRegionId(region.getId()).setPeer(region.getPeers(0))
                    .setRegionEpoch(region.getRegionEpoch());
        }

        CommandBuilder put(String key, String value) {
            return put("", key, value);
        }

        CommandBuilder put(String cf, String key, String value) {
            cmd.addRequests(RaftCmdpb.Request.newBuilder().setCmdType(CmdType.Put)
                    .setPut(RaftCmdpb.PutRequest.newBuilder().setCf(cf).setKey(bytes(key)).setValue(bytes(value))));
            return this;
        }

        CommandBuilder putBytes(String key, byte[] value) {
            cmd.addRequests(RaftCmdpb.Request.newBuilder().setCmdType(CmdType.Put)
                    .setPut(RaftCmdpb.PutRequest.newBuilder().setKey(bytes(key)).setValue(ByteString.copyFrom(value))));
            return this;
        }

        CommandBuilder delete(String key) {
            cmd.addRequests(RaftCmdpb.Request.newBuilder().setCmdType(CmdType.Delete)
                    .setDelete(RaftCmdpb.DeleteRequest.newBuilder().setKey(bytes(key))));
            return this;
        }

        CommandBuilder deleteRange(String start, String end) {
            cmd.addRequests(RaftCmdpb.Request.newBuilder().setCmdType(CmdType.DeleteRange)
                    .setDeleteRange(RaftCmdpb.DeleteRangeRequest.newBuilder().setStartKey(bytes(start)).setEndKey(bytes(end))));
            return this;
        }

        CommandBuilder epochVersion(long version) {
            cmd.getHeaderBuilder().getRegionEpochBuilder().setVersion(version);
            return this;
        }

        RaftCmdRequest build() {
            return cmd.build();
        }
    }

    static CommandBuilder command(Metapb.Region region) {
        return new CommandBuilder(region);
    }
}
