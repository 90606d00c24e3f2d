package io.kvasir.raft.api;

import io.kvasir.kvproto.RaftServerpb.RaftMessage;

/**
 * Where Raft traffic from other stores enters this store: the OSGi service behind the
 * {@code tikvpb.Tikv} Raft, BatchRaft and Snapshot streams. A store registers it once it serves.
 *
 * <p>Both methods return at once: messages are queued for the store's Raft loop, never handled on
 * the caller's (gRPC) thread. A message the store cannot take (unknown region it must not create,
 * stale, malformed) is dropped, as Raft tolerates lost messages.
 */
public interface RaftMessageReceiver {

    /** Queues one message for its region's peer on this store. */
    void receive(RaftMessage message);

    /**
     * Starts receiving the files of a region snapshot. {@code header} is the first chunk's
     * {@code MsgSnapshot} message; its {@code snapshot.data} is a {@code RaftSnapshotData} whose
     * {@code meta.cf_files} say, in order, which files the following bytes hold and how long each
     * is. Once every byte arrived and checked out, {@link SnapshotSink#finish} delivers the message.
     *
     * @throws IllegalArgumentException if the header is not a snapshot this store can take
     */
    SnapshotSink receiveSnapshot(RaftMessage header);

    /** The bytes of one incoming snapshot, in order. Not thread-safe: one stream feeds it. */
    interface SnapshotSink {

        /** The next bytes of the files, in {@code cf_files} order. */
        void write(byte[] chunk, int offset, int length);

        /**
         * All bytes arrived: checks that each file has its announced size and checksum, then hands
         * the message to the region's peer.
         *
         * @throws IllegalStateException if the files are short, long or corrupt (nothing is delivered)
         */
        void finish();

        /** The stream broke: drops what was received. Idempotent; harmless after finish. */
        void abort();
    }
}
