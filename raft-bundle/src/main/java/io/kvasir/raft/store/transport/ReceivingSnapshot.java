package io.kvasir.raft.store.transport;

import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incoming snapshot being written to disk: the bytes go, file by file as {@code cf_files}
 * announces them, into {@code paths.receiving(key)}. Each file's CRC32C is computed as it arrives
 * and checked, with its trailing stored checksum, when its last byte is written. {@link #finish}
 * then renames the directory to {@code paths.received(key)} (replacing a complete directory of
 * the same key: a retried send) and only then delivers the message, so the store never sees a
 * snapshot whose files are not all there and sound.
 *
 * <p>Lifecycle: open, then finished or aborted, once. A failed {@code finish} aborts. Fed by one
 * stream, so not thread-safe.
 */
final class ReceivingSnapshot implements RaftMessageReceiver.SnapshotSink {
    private static final Logger LOG = LoggerFactory.getLogger(ReceivingSnapshot.class);
    private static final int CHECKSUM_BYTES = 4;

    private enum State { OPEN, FINISHED, ABORTED }

    private final RaftMessage message;
    private final SnapshotHeader header;
    private final SnapshotPaths paths;
    private final Consumer<RaftMessage> deliver;
    private final Runnable onEnd;
    private final Path dir;
    private final CRC32C crc = new CRC32C();
    private final byte[] trailer = new byte[CHECKSUM_BYTES];
    private State state = State.OPEN;
    private int fileIndex;
    private long writtenInFile;
    private long received;
    private FileChannel current;
    /** The first file that did not check out, described; null while all is well. */
    private String problem;

    private ReceivingSnapshot(RaftMessage message, SnapshotHeader header, SnapshotPaths paths,
                              Consumer<RaftMessage> deliver, Runnable onEnd) {
        this.message = message;
        this.header = header;
        this.paths = paths;
        this.deliver = deliver;
        this.onEnd = onEnd;
        this.dir = paths.receiving(header.key());
    }

    /**
     * Prepares an empty {@code receiving(key)} directory (a leftover of an earlier, broken receive
     * of the same key is dropped). {@code onEnd} runs once, when the sink finishes or aborts.
     */
    static ReceivingSnapshot open(RaftMessage message, SnapshotHeader header, SnapshotPaths paths,
                                  Consumer<RaftMessage> deliver, Runnable onEnd) {
        ReceivingSnapshot sink = new ReceivingSnapshot(message, header, paths, deliver, onEnd);
        try {
            SnapshotPaths.delete(sink.dir);
            Files.createDirectories(sink.dir);
        } catch (IOException e) {
            onEnd.run();
            throw new UncheckedIOException("snapshot " + header.key() + ": cannot create " + sink.dir, e);
        } catch (UncheckedIOException e) {
            onEnd.run();
            throw e;
        }
        return sink;
    }

    @Override
    public void write(byte[] chunk, int offset, int length) {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot " + header.key() + " is " + state.name().toLowerCase()
                    + ", it takes no more bytes");
        }
        try {
            while (length > 0) {
                if (fileIndex == header.files().size()) {
                    throw new IllegalStateException("snapshot " + header.key() + ": more bytes than the "
                            + header.totalSize() + " its files announce");
                }
                SnapshotHeader.CfFile file = header.files().get(fileIndex);
                if (current == null) {
                    current = FileChannel.open(SnapshotPaths.file(dir, file.cf()),
                            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                int n = (int) Math.min(length, file.size() - writtenInFile);
                digest(file, chunk, offset, n);
                ByteBuffer buffer = ByteBuffer.wrap(chunk, offset, n);
                while (buffer.hasRemaining()) {
                    current.write(buffer);
                }
                writtenInFile += n;
                received += n;
                offset += n;
                length -= n;
                if (writtenInFile == file.size()) {
                    completeFile(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot " + header.key() + ": cannot write " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Feeds the checksum: every byte but the file's last four, which are kept to compare. */
    private void digest(SnapshotHeader.CfFile file, byte[] chunk, int offset, int n) {
        long checksummed = file.size() - CHECKSUM_BYTES;
        int intoCrc = (int) Math.max(0, Math.min(n, checksummed - writtenInFile));
        crc.update(chunk, offset, intoCrc);
        for (int i = intoCrc; i < n; i++) {
            trailer[(int) (writtenInFile + i - checksummed)] = chunk[offset + i];
        }
    }

    private void completeFile(SnapshotHeader.CfFile file) throws IOException {
        current.force(true);
        current.close();
        current = null;
        int computed = (int) crc.getValue();
        int stored = ByteBuffer.wrap(trailer).getInt();
        if (problem == null && (computed != file.checksum() || stored != file.checksum())) {
            problem = String.format("file %s is corrupt: CRC32C %08x, stored %08x, announced %08x",
                    file.cf().cfName(), computed, stored, file.checksum());
        }
        crc.reset();
        fileIndex++;
        writtenInFile = 0;
    }

    @Override
    public void finish() {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot " + header.key() + " is already " + state.name().toLowerCase());
        }
        Path target = paths.received(header.key());
        try {
            if (fileIndex < header.files().size() && problem == null) {
                problem = "truncated: " + received + " of " + header.totalSize() + " bytes arrived";
            }
            if (problem != null) {
                throw new IllegalStateException("snapshot " + header.key() + " rejected: " + problem);
            }
            SnapshotPaths.delete(target);
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(paths.root());
        } catch (IOException | RuntimeException e) {
            abort();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("snapshot " + header.key() + ": cannot move it to " + target, io);
            }
            throw (RuntimeException) e;
        }
        state = State.FINISHED;
        onEnd.run();
        LOG.info("snapshot {} received ({} bytes in {} files)", header.key(), received, header.files().size());
        deliver.accept(message);
    }

    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        try {
            if (current != null) {
                current.close();
                current = null;
            }
        } catch (IOException e) {
            LOG.debug("closing a snapshot file of {}: {}", header.key(), e.toString());
        }
        try {
            SnapshotPaths.delete(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("snapshot {}: cannot delete {}: {}", header.key(), dir, e.getMessage());
        } finally {
            onEnd.run();
        }
    }

    /** Makes the rename durable (a directory's entries are synced through the directory itself). */
    private static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the files themselves were synced.
            LOG.debug("cannot sync directory {}: {}", directory, e.toString());
        }
    }
}
