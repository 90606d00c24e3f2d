package io.kvasir.engine.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Bulk loading by sorted files, as TiKV's importer and region snapshots use it. The file format
 * belongs to the engine (RocksDB writes native SST files and ingests them without rewriting);
 * files move between engines only through the engine-neutral {@link RegionSnapshots} format.
 */
public interface SortedFiles {

    /** A writer for a new file at {@code path} (which must not exist) holding data of {@code cf}. */
    SstWriter newSstWriter(ColumnFamily cf, Path path);

    /**
     * Adds the files' contents to {@code cf} atomically: afterwards every key of every file has
     * the file's value (or is deleted, for deletions), overriding what was there, and every other
     * key is untouched. Files are copied, not moved; they stay where they are. Files whose key
     * ranges overlap each other are refused.
     */
    void ingest(ColumnFamily cf, List<Path> files);
}
