package io.kvasir.bench.titan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Bytes this process has sent to the storage layer, from Linux's {@code /proc/self/io}
 * ({@code write_bytes} less {@code cancelled_write_bytes}, for dirty pages of files deleted before
 * they were written back). Counts every thread, RocksDB's flushes and compactions included, and
 * only real writes: not the page cache hits of reads.
 */
final class DiskIo {

    private DiskIo() {
    }

    static long writtenBytes() {
        long written = 0;
        long cancelled = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    written = Long.parseLong(line.substring(12).trim());
                } else if (line.startsWith("cancelled_write_bytes:")) {
                    cancelled = Long.parseLong(line.substring(22).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/io (Linux only)", e);
        }
        return written - cancelled;
    }

    /** Bytes of the regular files under {@code dir}. */
    static long spaceUsed(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
