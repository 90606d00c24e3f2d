package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * A confirmed read: the read request identified by {@code requestCtx} may be served once this
 * node has applied up to {@code index} (thesis §6.4). The application waits for that, then reads
 * its state machine.
 */
public record ReadState(long index, ByteString requestCtx) {
    public ReadState {
        Objects.requireNonNull(requestCtx, "requestCtx");
    }
}
