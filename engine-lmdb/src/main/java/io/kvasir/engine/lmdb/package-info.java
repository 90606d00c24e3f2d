/**
 * The LMDB storage engine: {@link io.kvasir.engine.api.KvEngine} over one LMDB environment with a
 * named database per column family, registered as an OSGi service by {@link
 * io.kvasir.engine.lmdb.LmdbEngineActivator}.
 *
 * <p>Boundary: this package implements engine-api and nothing else. It is not exported; other
 * bundles reach it only through the {@code KvEngine} service. It knows nothing of regions, Raft or
 * MVCC. lmdbjava and the native library are imported from the long-lived {@code io.kvasir.lib.lmdb}
 * bundle and are never embedded here, because a native library reloaded with a swapped engine
 * bundle leaks for the life of the JVM (shared/PLATFORM-NOTES.md §3).
 *
 * <p>Two LMDB rules shape the code: the map must be resized with no transaction open in the
 * process (hence the {@link io.kvasir.engine.api.LifecycleGate} every native call passes through,
 * see {@link io.kvasir.engine.lmdb.MapGrowth}), and keys may not be empty or longer than 511 bytes
 * (hence the one-byte key prefix, see {@link io.kvasir.engine.lmdb.LmdbKeys}).
 */
package io.kvasir.engine.lmdb;
