package io.kvasir.bench.raft;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.raft.core.MemoryLogStorage;
import io.kvasir.raft.core.RaftConfig;
import io.kvasir.raft.core.RandomSource;
import io.kvasir.raft.core.RawNode;
import io.kvasir.raft.core.Ready;
import io.kvasir.raft.core.StateRole;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Raft core alone: a 3-node group in memory (no disk, no network, one thread) committing
 * proposals of 100 bytes. Measures the core's own cost per committed proposal — stepping, Ready
 * building, protobuf messages — so that later changes can be compared. Run with {@code -prof gc}
 * for bytes allocated per proposal ({@code gc.alloc.rate.norm}).
 *
 * <ul>
 *   <li>{@code single}: propose one entry and drive the group until the leader applies it.</li>
 *   <li>{@code pipelined}: propose {@value #BATCH} entries, then drive the group until all are
 *       applied; the leader pipelines them (several per append, several appends in flight).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RaftCoreBenchmark {

    static final int BATCH = 64;
    private static final int PAYLOAD = 100;
    /** Entries kept behind the applied index when compacting the in-memory logs. */
    private static final int KEEP = 1_000;

    private Group group;
    private ByteString payload;

    @Setup
    public void setUp() {
        group = new Group(3);
        payload = ByteString.copyFrom(new byte[PAYLOAD]);
    }

    @Benchmark
    public long single() {
        group.leader().propose(payload);
        group.pump();
        return group.applied;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long pipelined() {
        RawNode leader = group.leader();
        for (int i = 0; i < BATCH; i++) {
            leader.propose(payload);
        }
        group.pump();
        return group.applied;
    }

    /** The group and its driver: Ready handling per the contract, messages delivered in order. */
    static final class Group {
        final RawNode[] nodes;
        final MemoryLogStorage[] storages;
        final ArrayDeque<Message> queue = new ArrayDeque<>();
        final long[] appliedIndex;
        final ConfState confState;
        long applied;
        int leader;

        Group(int n) {
            nodes = new RawNode[n + 1];
            storages = new MemoryLogStorage[n + 1];
            appliedIndex = new long[n + 1];
            ConfState.Builder cs = ConfState.newBuilder();
            for (long id = 1; id <= n; id++) {
                cs.addVoters(id);
            }
            confState = cs.build();
            for (int id = 1; id <= n; id++) {
                storages[id] = new MemoryLogStorage(confState);
                nodes[id] = new RawNode(RaftConfig.builder(id).random(RandomSource.seeded(id)).build(), storages[id]);
            }
            nodes[1].campaign();
            pump();
            if (nodes[1].status().role() != StateRole.LEADER) {
                throw new IllegalStateException("node 1 did not become leader: " + nodes[1].status().describe());
            }
            leader = 1;
        }

        RawNode leader() {
            return nodes[leader];
        }

        /** Handles Readies and delivers messages until the group is quiet. */
        void pump() {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int id = 1; id < nodes.length; id++) {
                    while (nodes[id].hasReady()) {
                        handle(id, nodes[id].ready());
                        moved = true;
                    }
                }
                Message m;
                while ((m = queue.pollFirst()) != null) {
                    nodes[(int) m.getTo()].step(m);
                    moved = true;
                }
            }
        }

        private void handle(int id, Ready rd) {
            MemoryLogStorage s = storages[id];
            if (rd.snapshot() != null) {
                s.applySnapshot(rd.snapshot());
            }
            s.append(rd.entries());
            if (rd.hardState() != null) {
                s.setHardState(rd.hardState());
            }
            queue.addAll(rd.messages());
            for (Entry e : rd.committedEntries()) {
                appliedIndex[id] = e.getIndex();
                if (id == leader && !e.getData().isEmpty()) {
                    applied++;
                }
            }
            nodes[id].advance(rd);
            long upTo = appliedIndex[id] - KEEP;
            if (upTo > s.firstIndex() + KEEP) {
                s.createSnapshot(appliedIndex[id], confState, ByteString.EMPTY);
                s.compact(upTo);
            }
        }
    }
}
