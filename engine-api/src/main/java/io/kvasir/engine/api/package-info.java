/**
 * The Pluggable Engine Interface: everything Kvasir's raftstore, MVCC layer, importer and
 * snapshot transfer need from a local key-value engine, and nothing more.
 *
 * <p>An engine is a set of ordered byte-keyed maps, one per {@link io.kvasir.engine.api.ColumnFamily},
 * with atomic multi-key write batches, point-in-time snapshots, bounded iterators, range size
 * estimates, sorted-file ingestion, an engine-neutral region snapshot format and checkpoints.
 * The capabilities are small interfaces ({@link io.kvasir.engine.api.Peekable},
 * {@link io.kvasir.engine.api.Scannable}, {@link io.kvasir.engine.api.Mutable}, ...) composed into
 * {@link io.kvasir.engine.api.KvEngine}, as in TiKV's {@code engine_traits}.
 *
 * <p>Boundary: this package is plain Java with no third-party dependencies and knows nothing of
 * regions, Raft or MVCC; keys and values are opaque bytes compared as unsigned bytes. Every
 * failure is an {@link io.kvasir.engine.api.EngineException} carrying a stable
 * {@link io.kvasir.engine.api.EngineException.Code}.
 *
 * <p>Conformance is defined by the TCK in this module's test-jar ({@code io.kvasir.engine.tck}):
 * an engine is correct when its one-line subclass of {@code EngineTck} passes.
 */
@Version("1.0.0")
package io.kvasir.engine.api;

import org.osgi.annotation.versioning.Version;
