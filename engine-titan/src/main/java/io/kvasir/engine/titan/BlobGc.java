package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.LifecycleGate;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.titan.LsmValue.BlobHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Blob garbage collection, as Titan's {@code BlobGCJob} (tikv/titan {@code src/blob_gc_job.cc}):
 *
 * <ol>
 *   <li><b>Estimate.</b> For every sealed file, sample up to {@link #SAMPLE_RECORDS} records and ask
 *       the LSM tree whether each one is still its key's current value; the dead bytes over the
 *       sampled bytes estimate the file's discardable ratio. Titan learns garbage from compaction
 *       through a table-properties collector, which RocksJava cannot install, and before that it
 *       sampled as here. Files at or above {@code titan.blob-file-discardable-ratio} are rewritten,
 *       and so are small files when two or more are below {@code titan.merge-small-file-threshold}
 *       (and half the blob file size).
 *       A file is sampled again only after enough writes to move its estimate ({@link Mutations}).</li>
 *   <li><b>Copy.</b> Scan the file, checking each record's CRC; copy the live ones to a GC output
 *       file (not the foreground file: moved values are cold) and sync it.</li>
 *   <li><b>Switch.</b> Holding the index lock alone, re-read each moved key's index and switch it
 *       to the copy only if it still points at the old record (a check-and-set, like Titan's
 *       {@code GarbageCollectionWriteCallback}); a key overwritten meanwhile keeps its new value
 *       and the copy becomes garbage. The switch is a synced LSM write, in chunks, so writers wait
 *       for one chunk at most.</li>
 *   <li><b>Retire.</b> Mark the file obsolete at a new reader epoch; it is deleted once no snapshot
 *       or iterator older than the switch is open ({@link ReaderPins}).</li>
 * </ol>
 *
 * A record judged dead outside the lock cannot come back to life: only the foreground file's
 * records get new indexes, and a sealed file still pinned by a write batch is not a candidate.
 * A crash at any step leaves every index pointing at a whole, synced record.
 */
final class BlobGc {
    static final int SAMPLE_RECORDS = 256;
    /** A file is sampled again once writes since its last sample could have killed this share of its records. */
    private static final int RESAMPLE_SHARE = 20;
    private static final int CHUNK_RECORDS = 512;
    private static final long CHUNK_BYTES = 8L << 20;

    private final KvEngine lsm;
    private final BlobStore blobs;
    private final ReentrantReadWriteLock indexLock;
    private final LifecycleGate gate;
    private final TitanOptions options;
    private final Mutations mutations;
    private volatile GcObserver observer = GcObserver.NONE;
    /** The last estimate of each sealed file; used by the GC thread only, under the caller's lock. */
    private final Map<Long, Estimate> estimates = new HashMap<>();
    private long round;

    BlobGc(KvEngine lsm, BlobStore blobs, ReentrantReadWriteLock indexLock, LifecycleGate gate, TitanOptions options,
           Mutations mutations) {
        this.lsm = lsm;
        this.blobs = blobs;
        this.indexLock = indexLock;
        this.gate = gate;
        this.options = options;
        this.mutations = mutations;
    }

    private record Estimate(double ratio, Mutations.Mark mark) {
    }

    void observer(GcObserver observer) {
        this.observer = observer == null ? GcObserver.NONE : observer;
    }

    /** A record copied to the output, waiting for its index switch. */
    private record Move(ColumnFamily cf, byte[] key, byte[] oldIndex, byte[] newIndex) {
    }

    /** Counts of one round, filled as it goes. */
    private static final class Tally {
        int sampled;
        int rewritten;
        long moved;
        long dropped;
        long raced;
    }

    /** One round; the caller serialises rounds. {@code stopping} ends it early between steps. */
    GcReport run(BooleanSupplier stopping) {
        round++;
        Tally tally = new Tally();
        List<BlobFile> candidates = pickCandidates(tally, stopping);
        BlobWriter[] output = new BlobWriter[1];
        try {
            for (BlobFile file : candidates) {
                if (stopping.getAsBoolean()) {
                    break;
                }
                if (rewrite(file, output, tally, stopping)) {
                    tally.rewritten++;
                    blobs.markObsolete(file);
                    observer.at(GcObserver.Point.OBSOLETE, file.number());
                }
            }
        } finally {
            if (output[0] != null) {
                output[0].seal();
            }
        }
        long deleted = blobs.purge();
        observer.at(GcObserver.Point.PURGED, -1);
        return new GcReport(tally.sampled, tally.rewritten, tally.moved, tally.dropped, tally.raced, deleted);
    }

    private List<BlobFile> pickCandidates(Tally tally, BooleanSupplier stopping) {
        List<BlobFile> chosen = new ArrayList<>();
        List<BlobFile> small = new ArrayList<>();
        List<BlobFile> sealed = blobs.gcCandidates();
        // Below half the target size: a file sealed early (at close, or the end of a GC round), not
        // one that is full. Else a store configured with small files would rewrite them all, always.
        long smallBelow = Math.min(options.mergeSmallFileThreshold(), options.blobFileSize() / 2);
        estimates.keySet().retainAll(sealed.stream().map(BlobFile::number).collect(Collectors.toSet()));
        for (BlobFile file : sealed) {
            if (stopping.getAsBoolean()) {
                return List.of();
            }
            if (estimate(file, tally) >= options.discardableRatio()) {
                chosen.add(file);
            } else if (file.size() < smallBelow) {
                small.add(file);
            }
        }
        if (small.size() >= 2) {
            chosen.addAll(small);
        }
        return chosen;
    }

    /**
     * The file's last estimate while too few writes have happened since to change it much (each put
     * or delete kills at most one record; a delete-range may kill any number), else a new sample.
     */
    private double estimate(BlobFile file, Tally tally) {
        Mutations.Mark now = mutations.mark();
        Estimate last = estimates.get(file.number());
        if (last != null && now.rangeDeletes() == last.mark().rangeDeletes()
                && now.operations() - last.mark().operations() < Math.max(1, file.recordCount() / RESAMPLE_SHARE)) {
            return last.ratio();
        }
        tally.sampled++;
        double ratio = discardableRatio(file);
        estimates.put(file.number(), new Estimate(ratio, now));
        return ratio;
    }

    /** Dead bytes over sampled bytes; exact when the file has at most {@link #SAMPLE_RECORDS} records. */
    double discardableRatio(BlobFile file) {
        long count = file.recordCount();
        if (count == 0) {
            return 1.0;
        }
        long[] picks = samplePicks(count, new Random(file.number() * 1_000_003L + round));
        long sampled = 0;
        long dead = 0;
        gate.enter();
        try {
            for (long index : picks) {
                long offset = file.recordOffset(index);
                BlobFile.KeyAt at = file.readKeyAt(offset);
                sampled += at.recordSize();
                if (!pointsAt(lsm.get(at.cf(), at.key()), file.number(), offset)) {
                    dead += at.recordSize();
                }
            }
        } finally {
            gate.exit();
        }
        return sampled == 0 ? 1.0 : (double) dead / sampled;
    }

    /** Every record when few, else {@link #SAMPLE_RECORDS} distinct ones, in file order. */
    private static long[] samplePicks(long count, Random random) {
        if (count <= SAMPLE_RECORDS) {
            long[] all = new long[(int) count];
            Arrays.setAll(all, i -> i);
            return all;
        }
        long[] picks = random.longs(0, count).distinct().limit(SAMPLE_RECORDS).toArray();
        Arrays.sort(picks);
        return picks;
    }

    private static boolean pointsAt(byte[] raw, long fileNumber, long offset) {
        if (raw == null || !LsmValue.isBlob(raw)) {
            return false;
        }
        BlobHandle handle = LsmValue.decode(raw);
        return handle.fileNumber() == fileNumber && handle.offset() == offset;
    }

    /** Moves {@code file}'s live records to {@code output[0]}; false when stopped before the end. */
    private boolean rewrite(BlobFile file, BlobWriter[] output, Tally tally, BooleanSupplier stopping) {
        List<Move> pending = new ArrayList<>();
        long pendingBytes = 0;
        try (BlobScanner scanner = new BlobScanner(file.path(), file.number(), BlobFormat.HEADER_SIZE, file.recordsEnd())) {
            for (BlobScanner.Record r = scanner.next(); r != null; r = scanner.next()) {
                if (stopping.getAsBoolean()) {
                    return false;
                }
                if (!isLive(r, file.number())) {
                    tally.dropped++;
                    continue;
                }
                if (output[0] == null || !output[0].fits(r.size())) {
                    switchIndexes(pending, output[0], tally, file.number());
                    pendingBytes = 0;
                    if (output[0] != null) {
                        output[0].seal();
                    }
                    output[0] = blobs.newWriter();
                }
                long offset = output[0].append(r.cf(), r.key(), r.value());
                int length = r.value().length;
                pending.add(new Move(r.cf(), r.key(), new BlobHandle(file.number(), r.offset(), length).encode(),
                        new BlobHandle(output[0].file().number(), offset, length).encode()));
                pendingBytes += r.size();
                if (pending.size() >= CHUNK_RECORDS || pendingBytes >= CHUNK_BYTES) {
                    switchIndexes(pending, output[0], tally, file.number());
                    pendingBytes = 0;
                }
            }
            if (scanner.stopReason() != null) {
                throw BlobFormat.corrupt(file.number(), scanner.stopReason());
            }
        } catch (IOException e) {
            throw BlobFile.ioError("cannot read blob file " + file.path(), e);
        }
        switchIndexes(pending, output[0], tally, file.number());
        return true;
    }

    private boolean isLive(BlobScanner.Record r, long fileNumber) {
        gate.enter();
        try {
            return pointsAt(lsm.get(r.cf(), r.key()), fileNumber, r.offset());
        } finally {
            gate.exit();
        }
    }

    /**
     * Syncs the copies, then switches the indexes that still point at the originals, in one synced
     * LSM write under the index lock.
     */
    private void switchIndexes(List<Move> pending, BlobWriter output, Tally tally, long fileNumber) {
        if (pending.isEmpty()) {
            return;
        }
        output.sync();
        observer.at(GcObserver.Point.COPIED, fileNumber);
        gate.enter();
        indexLock.writeLock().lock();
        try (WriteBatch batch = lsm.newWriteBatch()) {
            for (Move move : pending) {
                if (Arrays.equals(lsm.get(move.cf(), move.key()), move.oldIndex())) {
                    batch.put(move.cf(), move.key(), move.newIndex());
                } else {
                    tally.raced++;
                }
            }
            tally.moved += batch.count();
            lsm.write(batch, WriteOptions.SYNC);
        } finally {
            indexLock.writeLock().unlock();
            gate.exit();
        }
        pending.clear();
        observer.at(GcObserver.Point.SWITCHED, fileNumber);
    }
}
