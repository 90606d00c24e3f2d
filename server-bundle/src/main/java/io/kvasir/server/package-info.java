/**
 * The {@code tikvpb.Tikv} gRPC facade of a store: {@link io.kvasir.server.TikvService} validates
 * what only the facade can judge, calls the storage layer ({@link io.kvasir.txn.api.RawStorage} for
 * raw requests, {@link io.kvasir.txn.api.TxnStorage} for transactional ones) and maps every failure
 * into kvproto's response fields once, in {@link io.kvasir.server.Failure}.
 *
 * <p>Raft traffic from other stores (the Raft, BatchRaft and Snapshot streams) is handed, message
 * by message and chunk by chunk, to the store's {@link io.kvasir.raft.api.RaftMessageReceiver}
 * ({@code RaftMessageStream}, {@code SnapshotStream}); without one those calls answer UNAVAILABLE.
 *
 * <p>Boundary: this package talks to the store only through the {@code RawStorage},
 * {@code TxnStorage} and {@code RaftMessageReceiver} services. It
 * never opens an engine, never routes to a region and never judges a region's state: region errors
 * arrive ready-made as {@link io.kvasir.raft.api.RegionException} and are copied into
 * {@code region_error}. It holds no data and no locks across a storage call; every handler
 * answers from the completion of the storage future, on whatever thread completes it.
 *
 * <p>Private to the bundle (nothing is exported); {@link io.kvasir.server.ServerActivator}
 * publishes the service as an {@code io.grpc.BindableService}, which the kernel serves.
 */
package io.kvasir.server;
