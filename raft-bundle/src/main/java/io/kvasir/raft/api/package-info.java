/**
 * The store's regions as other bundles use them: {@link io.kvasir.raft.api.RegionStore} routes,
 * reads and replicates; region errors travel as {@link io.kvasir.raft.api.RegionException}.
 */
package io.kvasir.raft.api;
