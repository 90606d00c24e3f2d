/**
 * Raft traffic between stores over gRPC, in TiKV's shape ({@code server/raft_client.rs},
 * {@code server/snap.rs}).
 *
 * <h2>Map</h2>
 * <ul>
 *   <li>{@link io.kvasir.raft.store.transport.GrpcRaftTransport} — the store's
 *       {@link io.kvasir.raft.store.peer.RaftTransport}: per destination store a
 *       {@code StoreConnection} (bounded queue, sender thread, one long-lived {@code BatchRaft}
 *       stream cut into batches by {@code MessageBatcher}, reconnection with {@code Backoff});
 *       {@code MsgSnapshot} goes to {@code SnapshotSender} instead ({@code Snapshot} streams,
 *       throttled by {@code RateLimiter}).</li>
 *   <li>{@link io.kvasir.raft.store.transport.StoreRaftReceiver} — the store's
 *       {@link io.kvasir.raft.api.RaftMessageReceiver}, behind the server bundle's Raft, BatchRaft
 *       and Snapshot RPCs; {@code ReceivingSnapshot} writes and checks incoming snapshot files.</li>
 *   <li>{@link io.kvasir.raft.store.transport.StoreResolver} /
 *       {@link io.kvasir.raft.store.transport.PdStoreResolver} — store id to address, through PD.</li>
 *   <li>{@link io.kvasir.raft.store.transport.TransportSettings} — the {@code server.*} keys.</li>
 *   <li>{@code MessageDropper} — fault injection for tests, off by default: drops a seeded share of
 *       outgoing messages whole, as a lossy network would ({@code server.raft-message-drop-ratio}).</li>
 * </ul>
 *
 * <h2>What it may not touch</h2>
 * No engine and no region state: it moves messages and snapshot files, nothing more. It reads
 * only {@code gen_} snapshot directories and writes only {@code rcv_} ones ({@link
 * io.kvasir.raft.store.snap.SnapshotPaths}), and deletes none but its own half-received ones. It
 * never blocks the Raft loop: {@code send} and {@code receive} queue and return. Waiting
 * (reconnection pauses, snapshot throttling) runs on an injected
 * {@link io.kvasir.raft.store.transport.TransportClock}.
 *
 * <h2>Delivery</h2>
 * At most once, in order per destination store. Lost messages are not resent: Raft resends what
 * matters. The transport instead tells the store which peers it could not reach and how each
 * snapshot ended ({@link io.kvasir.raft.store.peer.RaftTransport.Feedback}), so that leaders
 * probe and retry.
 */
package io.kvasir.raft.store.transport;
