package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileReader;
import org.rocksdb.SstFileReaderIterator;

/**
 * Ingests native SST files. Every file is opened and its key range read before anything is
 * ingested, so a missing, corrupt or overlapping file is refused with the engine unchanged.
 */
final class RocksDbIngestion {

    private RocksDbIngestion() {
    }

    private record FileRange(Path path, byte[] smallest, byte[] largest) {
    }

    static void ingest(RocksDB db, ColumnFamilyHandle cf, List<Path> files, RocksDbTuning tuning) {
        List<FileRange> ranges = new ArrayList<>();
        for (Path file : files) {
            ranges.add(readRange(file, tuning));
        }
        ranges.sort(Comparator.comparing(FileRange::smallest, Keys::compare));
        for (int i = 1; i < ranges.size(); i++) {
            if (Keys.compare(ranges.get(i - 1).largest(), ranges.get(i).smallest()) >= 0) {
                throw EngineException.invalidArgument("SST files %s and %s overlap",
                        ranges.get(i - 1).path().getFileName(), ranges.get(i).path().getFileName());
            }
        }
        List<String> paths = files.stream().map(Path::toString).toList();
        // Copy, not move: the caller owns its files. A global sequence number lets ingested keys
        // override keys already in the memtable or in lower levels.
        try (IngestExternalFileOptions options = new IngestExternalFileOptions()
                .setMoveFiles(false)
                .setAllowGlobalSeqNo(true)
                .setAllowBlockingFlush(true)) {
            db.ingestExternalFile(cf, paths, options);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("ingesting " + files.size() + " SST file(s) failed", e);
        }
    }

    private static FileRange readRange(Path file, RocksDbTuning tuning) {
        if (!Files.isRegularFile(file)) {
            throw EngineException.invalidArgument("SST file %s does not exist", file);
        }
        try (Options options = tuning.sstWriterOptions();
             SstFileReader reader = new SstFileReader(options)) {
            reader.open(file.toString());
            reader.verifyChecksum();
            try (ReadOptions read = new ReadOptions(); SstFileReaderIterator it = reader.newIterator(read)) {
                it.seekToFirst();
                if (!it.isValid()) {
                    throw EngineException.invalidArgument("SST file %s is empty", file);
                }
                byte[] smallest = it.key();
                it.seekToLast();
                return new FileRange(file, smallest, it.key());
            }
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("cannot read SST file " + file, e);
        }
    }
}
