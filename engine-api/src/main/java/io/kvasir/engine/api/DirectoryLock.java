package io.kvasir.engine.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on an engine's directory, held while the engine is open, so a second open of
 * the same directory, by this process or another, fails cleanly instead of corrupting the files
 * (LMDB in particular breaks when one process opens an environment twice). RocksDB keeps its own
 * LOCK file and does not need this.
 */
public final class DirectoryLock implements AutoCloseable {
    private static final String LOCK_FILE = "kvasir.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir}, which must exist, or fails with INVALID_STATE if it is already locked. */
    public static DirectoryLock acquire(Path dir) {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot create lock file in " + dir + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw EngineException.invalidState("engine directory %s is in use by another process", dir);
            }
            return new DirectoryLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw EngineException.invalidState("engine directory %s is already open in this process", dir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EngineException(EngineException.Code.IO, "cannot lock " + dir + ": " + e.getMessage(), new UncheckedIOException(e));
        } catch (EngineException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The lock was not taken; nothing depends on this channel.
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot release directory lock: " + e.getMessage(), new UncheckedIOException(e));
        }
    }
}
