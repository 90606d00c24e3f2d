/**
 * The store around the Raft core: identity and bootstrap with PD, the regions it holds, their Raft
 * groups on the engine ({@code peer}), routing of requests and heartbeats. Private to the bundle;
 * other bundles see it through {@link io.kvasir.raft.api.RegionStore}.
 */
package io.kvasir.raft.store;
