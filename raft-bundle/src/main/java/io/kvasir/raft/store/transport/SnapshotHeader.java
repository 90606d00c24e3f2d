package io.kvasir.raft.store.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.RaftSnapshotData;
import io.kvasir.kvproto.RaftServerpb.SnapshotCFFile;
import io.kvasir.raft.store.snap.SnapKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@code MsgSnapshot} message says about the files that travel with it: its key and, in
 * order, each column family's file with its size and checksum ({@code RaftSnapshotData.meta.cf_files}).
 * Both ends read it through here, so sender and receiver agree on what a valid snapshot is.
 *
 * @param totalSize the sum of the files' sizes: the bytes that follow the header on the stream
 */
record SnapshotHeader(SnapKey key, List<CfFile> files, long totalSize) {

    /**
     * Every snapshot file ends in its 4-byte checksum and holds at least a magic and a column
     * family name (engine-api {@code SnapshotFileFormat}); anything shorter is not one.
     */
    static final long MIN_FILE_SIZE = 4;

    /** One column family's file: its announced size and CRC32C (of all but its last four bytes). */
    record CfFile(ColumnFamily cf, long size, int checksum) {
    }

    /**
     * Reads and checks the header of a snapshot message.
     *
     * @throws IllegalArgumentException if it is not a {@code MsgSnapshot} whose data is a
     *                                  {@code RaftSnapshotData} naming one or more distinct, known
     *                                  column families of plausible sizes
     */
    static SnapshotHeader parse(RaftMessage message) {
        Eraftpb.Message m = message.getMessage();
        if (m.getMsgType() != Eraftpb.MessageType.MsgSnapshot) {
            throw new IllegalArgumentException("not a snapshot message: " + m.getMsgType());
        }
        if (message.getRegionId() == 0) {
            throw new IllegalArgumentException("snapshot message without a region id");
        }
        SnapKey key = SnapKey.of(message);
        if (key.index() == 0) {
            throw new IllegalArgumentException("snapshot " + key + " has no index");
        }
        RaftSnapshotData data;
        try {
            data = RaftSnapshotData.parseFrom(m.getSnapshot().getData());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("snapshot " + key + ": its data is not a RaftSnapshotData: " + e.getMessage(), e);
        }
        List<SnapshotCFFile> cfFiles = data.getMeta().getCfFilesList();
        if (cfFiles.isEmpty()) {
            throw new IllegalArgumentException("snapshot " + key + " lists no files");
        }
        List<CfFile> files = new ArrayList<>(cfFiles.size());
        Set<ColumnFamily> seen = EnumSet.noneOf(ColumnFamily.class);
        long total = 0;
        for (SnapshotCFFile f : cfFiles) {
            ColumnFamily cf;
            try {
                cf = ColumnFamily.fromName(f.getCf());
            } catch (EngineException e) {
                throw new IllegalArgumentException("snapshot " + key + ": " + e.getMessage(), e);
            }
            if (!seen.add(cf)) {
                throw new IllegalArgumentException("snapshot " + key + " lists column family " + f.getCf() + " twice");
            }
            // size is a uint64: a "negative" long is beyond any file.
            if (f.getSize() < MIN_FILE_SIZE) {
                throw new IllegalArgumentException("snapshot " + key + ": file " + f.getCf() + " has impossible size "
                        + Long.toUnsignedString(f.getSize()));
            }
            total += f.getSize();
            if (total < 0) {
                throw new IllegalArgumentException("snapshot " + key + ": files too large in total");
            }
            files.add(new CfFile(cf, f.getSize(), f.getChecksum()));
        }
        return new SnapshotHeader(key, List.copyOf(files), total);
    }
}
