/**
 * The Placement Driver: Kvasir's implementation of TiKV's pdpb.PD gRPC service for a one-member
 * PD. It allocates timestamps and ids, keeps the cluster's stores and regions, routes clients to
 * regions and holds GC safe points, persisting everything in the node's engine.
 *
 * <p>Boundaries: nothing here is exported; the service is reached over gRPC only. The PD writes
 * only keys starting with byte {@code 0x02} in column family {@code raft} of the engine it is
 * given (see {@link io.kvasir.pd.MetaStore}), never region-local store metadata (0x01) or user
 * data, and it never closes the engine, which belongs to its engine bundle. Time and randomness
 * are injected ({@link java.time.Clock}, {@link java.util.random.RandomGenerator}); only
 * {@link io.kvasir.pd.PdActivator} picks the real ones.
 *
 * <p>Scheduling: each accepted region heartbeat is answered with the region's one next step, if
 * any ({@link io.kvasir.pd.OperatorController}): the {@link io.kvasir.pd.ReplicaChecker} keeps
 * {@code replication.max-replicas} voters on healthy stores (add a learner, promote it, replace a
 * voter on a down store by a joint change, leave the joint state, remove surplus peers), and the
 * {@link io.kvasir.pd.MergeChecker} merges small regions into an adjacent one, and the
 * {@link io.kvasir.pd.LeaderBalancer} spreads leaders. Steps are PD's wire commands
 * ({@link io.kvasir.pd.Step}); a step is resent unchanged until a heartbeat shows it done, and
 * running operators live in memory only. Store health is judged from store heartbeats
 * ({@link io.kvasir.pd.StoreHealth}). Splits are the stores' own decision; PD only hands out ids.
 *
 * <p>Semantics follow PD's server/grpc_service.go; where a choice was made for tikv-client-java
 * 3.3.5, the class comment says so.
 */
package io.kvasir.pd;
