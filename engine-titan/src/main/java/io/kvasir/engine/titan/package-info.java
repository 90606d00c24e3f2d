/**
 * The titan storage engine: large values kept out of the LSM tree, as TiKV's Titan does, so that
 * compaction stops rewriting them. {@link io.kvasir.engine.titan.TitanEngine} layers blob files over
 * engine-rocksdb's engine and is registered as the {@code KvEngine} service named {@code titan} by
 * {@link io.kvasir.engine.titan.TitanEngineActivator}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Separation at write time.</b> A value of at least {@code titan.min-blob-size} is appended
 *       to the foreground blob file when it is put; the LSM tree gets a blob index (file, offset,
 *       length) marked by its first byte, while small values are stored as they are
 *       ({@link io.kvasir.engine.titan.LsmValue}). Titan separates values when
 *       RocksDB flushes a memtable, inside RocksDB; RocksJava offers no hook there, so values are
 *       separated before the LSM sees them, and large values skip the WAL as well. Reads, iterators
 *       and snapshots are the LSM engine's, with indexes resolved on the way out.</li>
 *   <li><b>Durability order.</b> A record is flushed before its index is written, synced before a
 *       synced batch's indexes, and synced before RocksDB flushes a memtable that may index it
 *       ({@link io.kvasir.engine.titan.SyncBlobsBeforeFlush}); recovery seals files a crash left
 *       open and cuts torn tails ({@link io.kvasir.engine.titan.BlobRecovery}). So an index never
 *       points at a missing record after a process crash, and synced batches (and all before them)
 *       survive a machine crash. Limit, as for RocksDB's unsynced writes: if a machine crash keeps
 *       the WAL's unsynced tail but loses the blob file's, reading such a key fails with
 *       CORRUPTION; it never returns wrong data.</li>
 *   <li><b>GC</b> ({@link io.kvasir.engine.titan.BlobGc}): live data is estimated per file by
 *       sampling records against the LSM tree (RocksJava cannot install Titan's compaction-time
 *       properties collector); files with enough garbage are rewritten, and each moved key's
 *       index is switched by a check-and-set under a lock writers share, so a concurrent
 *       overwrite always wins. Old files are deleted once no snapshot or iterator that could read
 *       them is open ({@link io.kvasir.engine.titan.ReaderPins}); point reads retry instead. Only
 *       sealed files are collected: the foreground file's garbage waits until it is full (or the
 *       engine closes), at most {@code titan.blob-file-size}.</li>
 *   <li><b>Moving data.</b> Region snapshots export resolved values and import through write
 *       batches, so they cross engines. Sorted files for ingestion hold whole values
 *       ({@link io.kvasir.engine.titan.TitanSortedFile}); ingestion separates them again and
 *       ingests LSM SST files atomically. Size estimates count blob values from their indexes.</li>
 * </ul>
 *
 * <p>Boundary: implements engine-api and nothing else; not exported. It embeds engine-rocksdb's
 * package privately (bnd {@code Private-Package}) and uses it through the {@code KvEngine}
 * interface, plus one hook, {@code RocksDbEngine.open(path, options, listeners)}. rocksdbjni is
 * imported from {@code io.kvasir.lib.rocksdb}, never embedded. It knows nothing of regions, Raft or
 * MVCC.
 */
package io.kvasir.engine.titan;
