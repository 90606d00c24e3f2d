package io.kvasir.raft.store.transport;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A store's Raft endpoints on 127.0.0.1 (a free port), over a real {@link StoreRaftReceiver}: what
 * the server bundle's TikvService does for BatchRaft and Snapshot, reduced to what these tests
 * need. Counts the batches it gets and keeps what the receiver delivers.
 */
final class FakeStoreServer implements AutoCloseable {
    final SnapshotPaths paths;
    final StoreRaftReceiver receiver;
    final List<RaftMessage> delivered = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final Server server;

    FakeStoreServer(Path snapRoot, int maxConcurrentReceives) {
        this.paths = new SnapshotPaths(snapRoot);
        this.receiver = new StoreRaftReceiver(paths, delivered::add, maxConcurrentReceives);
        try {
            this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new Service())
                    .maxInboundMessageSize(64 << 20)
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    int batches() {
        return batchSizes.size();
    }

    /** Delivered messages to {@code storeId}'s peers, in order. */
    List<RaftMessage> deliveredTo(long storeId) {
        return delivered.stream().filter(m -> m.getToPeer().getStoreId() == storeId).toList();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Service extends TikvGrpc.TikvImplBase {
        @Override
        public StreamObserver<BatchRaftMessage> batchRaft(StreamObserver<Done> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(BatchRaftMessage batch) {
                    batchSizes.add(batch.getMsgsCount());
                    batch.getMsgsList().forEach(receiver::receive);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    responses.onNext(Done.getDefaultInstance());
                    responses.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<SnapshotChunk> snapshot(StreamObserver<Done> responses) {
            return new StreamObserver<>() {
                private RaftMessageReceiver.SnapshotSink sink;
                private boolean failed;

                @Override
                public void onNext(SnapshotChunk chunk) {
                    if (failed) {
                        return;
                    }
                    try {
                        if (sink == null) {
                            sink = receiver.receiveSnapshot(chunk.getMessage());
                        }
                        byte[] data = chunk.getData().toByteArray();
                        sink.write(data, 0, data.length);
                    } catch (RuntimeException e) {
                        fail(e);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    if (sink != null) {
                        sink.abort();
                    }
                }

                @Override
                public void onCompleted() {
                    if (failed) {
                        return;
                    }
                    try {
                        sink.finish();
                        responses.onNext(Done.getDefaultInstance());
                        responses.onCompleted();
                    } catch (RuntimeException e) {
                        fail(e);
                    }
                }

                private void fail(RuntimeException e) {
                    failed = true;
                    if (sink != null) {
                        sink.abort();
                    }
                    responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
                }
            };
        }
    }
}
