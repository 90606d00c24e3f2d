package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.SstWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ingests {@link TitanSortedFile}s: every file is verified and the set checked for overlaps before
 * anything happens; then each is rewritten as an SST file of the LSM engine, its large values
 * appended to the foreground blob file and replaced by indexes, and the SST files are ingested in
 * one atomic LSM ingestion. A crash midway leaves only garbage blob records and temporary files,
 * which the next open deletes.
 */
final class TitanIngestion {
    private static final String TMP_DIR = "ingest";

    private final TitanEngine engine;
    private final Path tmpDir;
    private final AtomicLong ids;

    TitanIngestion(TitanEngine engine, Path engineDir, AtomicLong ids) {
        this.engine = engine;
        this.tmpDir = engineDir.resolve(TMP_DIR);
        this.ids = ids;
    }

    /** Deletes temporary files an interrupted ingestion left behind. */
    static void clearLeftovers(Path engineDir) {
        Path dir = engineDir.resolve(TMP_DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw BlobFile.ioError("cannot clear " + dir, e);
        }
    }

    void ingest(ColumnFamily cf, List<Path> files) {
        List<TitanSortedFile.Summary> summaries = new ArrayList<>();
        for (Path file : files) {
            summaries.add(TitanSortedFile.read(file, (key, value) -> { }));
        }
        summaries.sort(Comparator.comparing(TitanSortedFile.Summary::smallest, Keys::compare));
        for (int i = 1; i < summaries.size(); i++) {
            if (Keys.compare(summaries.get(i - 1).largest(), summaries.get(i).smallest()) >= 0) {
                throw EngineException.invalidArgument("SST files %s and %s overlap",
                        summaries.get(i - 1).path().getFileName(), summaries.get(i).path().getFileName());
            }
        }
        KvEngine lsm = engine.lsm();
        BlobStore.Appends appends = new BlobStore.Appends();
        List<Path> lsmFiles = new ArrayList<>();
        try {
            Files.createDirectories(tmpDir);
            for (TitanSortedFile.Summary summary : summaries) {
                Path out = tmpDir.resolve(ids.incrementAndGet() + ".sst");
                lsmFiles.add(out);
                try (SstWriter writer = lsm.newSstWriter(cf, out)) {
                    TitanSortedFile.read(summary.path(), (key, value) -> {
                        if (value == null) {
                            writer.delete(key);
                        } else if (value.length < engine.minBlobSize()) {
                            writer.put(key, LsmValue.inline(value));
                        } else {
                            writer.put(key, engine.blobs().append(cf, key, value, appends).encode());
                        }
                    });
                    writer.finish();
                }
            }
            // Ingested data is durable when ingest returns, blob records first.
            engine.blobs().prepareWrite(true);
            long entries = summaries.stream().mapToLong(TitanSortedFile.Summary::entries).sum();
            engine.writeIndexes(entries, false, () -> lsm.ingest(cf, lsmFiles));
        } catch (IOException e) {
            throw BlobFile.ioError("cannot prepare ingestion in " + tmpDir, e);
        } finally {
            appends.release();
            for (Path file : lsmFiles) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // Deleted at the next open.
                }
            }
        }
    }
}
