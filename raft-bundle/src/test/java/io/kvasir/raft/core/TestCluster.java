package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeTransition;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A small in-memory group for scenario tests (etcd's {@code network} in {@code raft_test.go}): each
 * peer is a {@link RawNode} over a {@link MemoryLogStorage} whose Ready is handled exactly as the
 * contract says; messages go through a queue that tests can cut, isolate or filter, and are
 * delivered until the group is quiet.
 */
final class TestCluster {

    /** One member: its node, its storage, and what it applied. */
    static final class Peer {
        final long id;
        final MemoryLogStorage storage;
        RawNode node;
        final List<Entry> applied = new ArrayList<>();
        final List<ReadState> reads = new ArrayList<>();
        ConfState confState;
        boolean down;

        Peer(long id, MemoryLogStorage storage, RawNode node) {
            this.id = id;
            this.storage = storage;
            this.node = node;
            this.confState = storage.initialState().confState();
        }

        Raft raft() {
            return node.raft();
        }

        RaftStatus status() {
            return node.status();
        }

        /** Data of the normal entries applied, in order (empty entries skipped). */
        List<String> appliedData() {
            List<String> out = new ArrayList<>();
            for (Entry e : applied) {
                if (e.getEntryType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
                    out.add(e.getData().toStringUtf8());
                }
            }
            return out;
        }
    }

    private final TreeMap<Long, Peer> peers = new TreeMap<>();
    private final UnaryOperator<RaftConfig.Builder> tweak;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final Set<Long> isolated = new HashSet<>();
    private final Set<List<Long>> cut = new HashSet<>();
    private Predicate<Message> drop = m -> false;
    /** Every message sent, for assertions. */
    final List<Message> sent = new ArrayList<>();

    private TestCluster(UnaryOperator<RaftConfig.Builder> tweak) {
        this.tweak = tweak;
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private long[] voters = {1, 2, 3};
        private long[] learners = {};
        private long[] spare = {};
        private UnaryOperator<RaftConfig.Builder> tweak = b -> b;
        private final TreeMap<Long, long[]> logs = new TreeMap<>();

        Builder voters(long... ids) {
            this.voters = ids;
            return this;
        }

        Builder learners(long... ids) {
            this.learners = ids;
            return this;
        }

        /** Nodes that run but are not members yet (empty configuration), to be added later. */
        Builder spare(long... ids) {
            this.spare = ids;
            return this;
        }

        /**
         * Starts {@code id} with a log of entries of these terms (index 1 onward) and a persisted
         * term equal to the last one, as after earlier elections.
         */
        Builder log(long id, long... terms) {
            logs.put(id, terms);
            return this;
        }

        /** Adjusts every node's config (applied after the defaults). */
        Builder config(UnaryOperator<RaftConfig.Builder> t) {
            UnaryOperator<RaftConfig.Builder> before = this.tweak;
            this.tweak = b -> t.apply(before.apply(b));
            return this;
        }

        TestCluster build() {
            TestCluster c = new TestCluster(tweak);
            ConfState.Builder cs = ConfState.newBuilder();
            for (long v : voters) {
                cs.addVoters(v);
            }
            for (long l : learners) {
                cs.addLearners(l);
            }
            for (long v : voters) {
                // With nodes to be added later, founders start from a bootstrap snapshot so that
                // newcomers learn the configuration from a snapshot (see MemoryLogStorage#bootstrap).
                MemoryLogStorage storage = spare.length > 0
                        ? MemoryLogStorage.bootstrap(cs.build()) : new MemoryLogStorage(cs.build());
                long[] terms = logs.get(v);
                if (terms != null) {
                    storage.append(RaftLogTest.ents(1, terms));
                    storage.setHardState(io.kvasir.kvproto.Eraftpb.HardState.newBuilder()
                            .setTerm(terms[terms.length - 1]).build());
                }
                c.add(v, storage);
            }
            for (long l : learners) {
                c.add(l, new MemoryLogStorage(cs.build()));
            }
            for (long s : spare) {
                c.add(s, new MemoryLogStorage());
            }
            return c;
        }
    }

    private void add(long id, MemoryLogStorage storage) {
        peers.put(id, new Peer(id, storage, new RawNode(config(id), storage)));
    }

    RaftConfig config(long id) {
        return tweak.apply(RaftConfig.builder(id).random(RandomSource.seeded(id))).build();
    }

    Peer peer(long id) {
        return peers.get(id);
    }

    RawNode node(long id) {
        return peers.get(id).node;
    }

    Raft raft(long id) {
        return peers.get(id).raft();
    }

    // ---- driving ----------------------------------------------------------------------------------

    /** Campaigns at {@code id} and delivers until quiet. */
    TestCluster campaign(long id) {
        node(id).campaign();
        return deliverAll();
    }

    /** Elects {@code id} (asserting it won). */
    TestCluster elect(long id) {
        campaign(id);
        if (raft(id).state() != StateRole.LEADER) {
            fail("node " + id + " did not win the election: " + raft(id));
        }
        return this;
    }

    TestCluster propose(long id, String data) {
        node(id).propose(ByteString.copyFromUtf8(data));
        return deliverAll();
    }

    TestCluster tick(long id, int n) {
        for (int i = 0; i < n; i++) {
            node(id).tick();
            deliverAll();
        }
        return this;
    }

    /** Ticks every live node {@code n} times, delivering after each round. */
    TestCluster tickAll(int n) {
        for (int i = 0; i < n; i++) {
            for (Peer p : peers.values()) {
                if (!p.down) {
                    p.node.tick();
                }
            }
            deliverAll();
        }
        return this;
    }

    /** Steps {@code m} into its destination and delivers until quiet. */
    TestCluster send(Message m) {
        queue.add(m);
        return deliverAll();
    }

    /** Handles Readies and delivers messages until nothing moves. */
    TestCluster deliverAll() {
        for (int guard = 0; guard < 100_000; guard++) {
            boolean moved = false;
            for (Peer p : peers.values()) {
                moved |= handleReady(p);
            }
            Message m = queue.pollFirst();
            if (m != null) {
                moved = true;
                deliver(m);
            }
            if (!moved) {
                return this;
            }
        }
        throw new AssertionError("the cluster never went quiet");
    }

    private void deliver(Message m) {
        Peer to = peers.get(m.getTo());
        if (to == null || to.down || isolated.contains(m.getTo()) || isolated.contains(m.getFrom())
                || cut.contains(List.of(m.getFrom(), m.getTo())) || drop.test(m)) {
            return;
        }
        to.node.step(m);
    }

    /** Handles one Ready of {@code p} per the contract; returns whether there was one. */
    boolean handleReady(Peer p) {
        if (p.down || !p.node.hasReady()) {
            return false;
        }
        Ready rd = p.node.ready();
        if (rd.snapshot() != null) {
            p.storage.applySnapshot(rd.snapshot());
        }
        p.storage.append(rd.entries());
        if (rd.hardState() != null) {
            p.storage.setHardState(rd.hardState());
        }
        for (Message m : rd.messages()) {
            sent.add(m);
            queue.add(m);
        }
        if (rd.snapshot() != null) {
            p.confState = rd.snapshot().getMetadata().getConfState();
        }
        for (Entry e : rd.committedEntries()) {
            p.applied.add(e);
            ConfChangeV2 cc = ConfChanges.decode(e);
            if (cc != null) {
                try {
                    p.confState = p.node.applyConfChange(cc);
                } catch (ConfChangeRefusedException refused) {
                    // deterministic no-op on every replica
                }
            }
        }
        p.reads.addAll(rd.readStates());
        p.node.advance(rd);
        return true;
    }

    /** Handles {@code id}'s Ready without delivering its messages; returns them. */
    List<Message> collect(long id) {
        Peer p = peers.get(id);
        List<Message> out = new ArrayList<>();
        while (p.node.hasReady()) {
            int before = queue.size();
            handleReady(p);
            while (queue.size() > before) {
                out.add(queue.pollLast());
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Drops every message queued but not delivered. */
    void clearQueue() {
        queue.clear();
    }

    // ---- faults -------------------------------------------------------------------------------------

    TestCluster isolate(long id) {
        isolated.add(id);
        return this;
    }

    /** Drops messages both ways between {@code a} and {@code b}. */
    TestCluster cut(long a, long b) {
        cut.add(List.of(a, b));
        cut.add(List.of(b, a));
        return this;
    }

    /** Drops messages from {@code from} to {@code to} only. */
    TestCluster cutOneWay(long from, long to) {
        cut.add(List.of(from, to));
        return this;
    }

    TestCluster dropIf(Predicate<Message> filter) {
        this.drop = filter;
        return this;
    }

    /** Heals every partition and filter. */
    TestCluster recover() {
        isolated.clear();
        cut.clear();
        drop = m -> false;
        return this;
    }

    /** Stops {@code id}: it loses everything it had not persisted. */
    TestCluster crash(long id) {
        peers.get(id).down = true;
        return this;
    }

    /** Restarts {@code id} from its storage; it re-applies committed entries after its snapshot. */
    TestCluster restart(long id) {
        Peer p = peers.get(id);
        p.node = new RawNode(config(id), p.storage);
        p.down = false;
        p.applied.clear();
        return this;
    }

    /** The application at {@code id} snapshots at its applied index and compacts its log up to it. */
    TestCluster compact(long id) {
        Peer p = peers.get(id);
        long index = p.raft().raftLog.applied();
        p.storage.createSnapshot(index, p.confState, ByteString.copyFromUtf8("state@" + index));
        p.storage.compact(index);
        return this;
    }

    /** Proposes a membership change at {@code id} and delivers until quiet. */
    TestCluster changeMembership(long id, ConfChangeV2 cc) {
        node(id).proposeConfChange(cc);
        return deliverAll();
    }

    // ---- membership helpers ---------------------------------------------------------------------------

    static ConfChangeV2 change(ConfChangeType type, long id) {
        return ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setType(type).setNodeId(id)).build();
    }

    static ConfChangeV2 joint(ConfChangeTransition transition, ConfChangeSingle... changes) {
        ConfChangeV2.Builder b = ConfChangeV2.newBuilder().setTransition(transition);
        for (ConfChangeSingle c : changes) {
            b.addChanges(c);
        }
        return b.build();
    }

    static ConfChangeSingle voter(long id) {
        return ConfChangeSingle.newBuilder().setType(ConfChangeType.AddNode).setNodeId(id).build();
    }

    static ConfChangeSingle learner(long id) {
        return ConfChangeSingle.newBuilder().setType(ConfChangeType.AddLearnerNode).setNodeId(id).build();
    }

    static ConfChangeSingle removal(long id) {
        return ConfChangeSingle.newBuilder().setType(ConfChangeType.RemoveNode).setNodeId(id).build();
    }

    static Message msg(MessageType type, long from, long to, long term) {
        return Message.newBuilder().setMsgType(type).setFrom(from).setTo(to).setTerm(term).build();
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
