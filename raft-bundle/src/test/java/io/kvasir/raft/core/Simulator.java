package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic simulation of one Raft group (STYLE rule 6; Kafka's {@code RaftEventSimulationTest},
 * etcd's {@code rafttest}). A seed fixes everything: the cluster's config, the schedule of ticks,
 * proposals, reads, membership changes, transfers and faults, the network's losses and delays, and
 * every node's election timeouts. {@link SimInvariants} checks safety after every event. After the
 * scheduled steps all faults heal and the run must make progress within a bound (liveness).
 *
 * <p>A step is one scheduled action: a tick of the clock (with all deliveries and disk writes due
 * in it), or one client request or fault. Nodes persist lazily, after a random disk delay, so a
 * crash loses what they had not yet persisted.
 */
final class Simulator {

    /** What to simulate. */
    record Options(int nodes, int steps, BrokenRule brokenRule, boolean jointHeavy, boolean trace) {
        static Options of(int nodes, int steps) {
            return new Options(nodes, steps, BrokenRule.NONE, false, false);
        }

        Options withBrokenRule(BrokenRule rule) {
            return new Options(nodes, steps, rule, jointHeavy, trace);
        }

        Options withJointHeavy() {
            return new Options(nodes, steps, brokenRule, true, trace);
        }

        Options withTrace() {
            return new Options(nodes, steps, brokenRule, jointHeavy, true);
        }
    }

    /** What a run did, for reports. */
    record Stats(long seed, int ticks, long committed, long leaders, long reads, long confChanges, long snapshots,
            int livenessTicks) {}

    /** A failed run: the seed, what broke, and how to replay it. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long seed;

        Failure(long seed, Options opt, Throwable cause, String trace) {
            super("seed " + seed + " (" + opt.nodes() + " nodes, " + opt.steps() + " steps"
                    + (opt.brokenRule() == BrokenRule.NONE ? "" : ", broken rule " + opt.brokenRule())
                    + (opt.jointHeavy() ? ", joint-heavy" : "") + "): " + cause + "\n  replay: " + replayCommand(seed, opt)
                    + (trace.isEmpty() ? "" : "\n  last events:\n" + trace), cause);
            this.seed = seed;
        }
    }

    static String replayCommand(long seed, Options opt) {
        return "mvn -pl raft-bundle test -Dtest=SimulationTest#replay -Dkvasir.raft.seed=" + seed
                + " -Dkvasir.raft.nodes=" + opt.nodes() + " -Dkvasir.raft.steps=" + opt.steps()
                + (opt.brokenRule() == BrokenRule.NONE ? "" : " -Dkvasir.raft.broken=" + opt.brokenRule())
                + (opt.jointHeavy() ? " -Dkvasir.raft.jointHeavy=true" : "");
    }

    static final int TICK = 10;
    /** Ticks allowed, after every fault is healed, to elect a leader and commit a proposal. */
    static final int LIVENESS_TICKS = Integer.getInteger("kvasir.raft.livenessTicks", 40 * RaftConfig.DEFAULT_ELECTION_TICK);
    private static final int TRACE_LINES = Integer.getInteger("kvasir.raft.traceLines", 400);

    private final long seed;
    private final Options opt;
    private final SplittableRandom random;
    private final SimNetwork net;
    private final SimInvariants inv = new SimInvariants();
    private final SimNode[] nodes;
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    private final List<Message> outbox = new ArrayList<>();
    private long now;
    private long writes;
    private long readsIssued;
    private int ticks;
    private boolean slowDisks;
    private ByteString marker;
    /** Set once every fault is healed: from then on nothing injects faults. */
    private boolean healed;
    /** How often faults strike in this run: some runs are stormy, some nearly calm. */
    private final double faultLevel;

    Simulator(long seed, Options opt) {
        this.seed = seed;
        this.opt = opt;
        this.random = new SplittableRandom(seed);
        this.net = new SimNetwork(random.split(), opt.nodes());
        this.nodes = new SimNode[opt.nodes() + 1];
        this.faultLevel = new double[] {0.2, 0.5, 1.0}[random.nextInt(3)];
        java.util.function.LongFunction<RaftConfig.Builder> config = randomConfig();
        // Founding voters; the other nodes start as spares (empty, to be added) or, when the run is
        // about joint consensus, as learners ready to be swapped in.
        int initialVoters = opt.jointHeavy() ? (opt.nodes() + 1) / 2 : opt.nodes() == 5 && random.nextBoolean() ? 3 : opt.nodes();
        int founders = opt.jointHeavy() ? opt.nodes() : initialVoters;
        ConfState.Builder cs = ConfState.newBuilder();
        for (long id = 1; id <= founders; id++) {
            if (id <= initialVoters) {
                cs.addVoters(id);
            } else {
                cs.addLearners(id);
            }
        }
        for (int id = 1; id <= opt.nodes(); id++) {
            MemoryLogStorage storage = id <= founders ? MemoryLogStorage.bootstrap(cs.build()) : new MemoryLogStorage();
            nodes[id] = new SimNode(id, storage, config.apply(id), seed);
        }
    }

    /** A config drawn from the seed, the same for every node but its id. */
    private java.util.function.LongFunction<RaftConfig.Builder> randomConfig() {
        ReadOnlyOption reads = random.nextBoolean() ? ReadOnlyOption.SAFE : ReadOnlyOption.LEASE_BASED;
        boolean checkQuorum = reads == ReadOnlyOption.LEASE_BASED || random.nextInt(4) > 0;
        boolean preVote = random.nextInt(4) > 0;
        int heartbeatTick = 1 + random.nextInt(3);
        int inflight = 1 + random.nextInt(8);
        long maxSize = random.nextBoolean() ? 64 : RaftConfig.DEFAULT_MAX_SIZE_PER_MSG;
        long uncommitted = random.nextInt(4) == 0 ? 256 : Long.MAX_VALUE;
        FollowerProposals proposals = random.nextInt(5) == 0 ? FollowerProposals.REJECT : FollowerProposals.FORWARD;
        return id -> RaftConfig.builder(id)
                .preVote(preVote)
                .checkQuorum(checkQuorum)
                .readOnlyOption(reads)
                .heartbeatTick(heartbeatTick)
                .maxInflightMsgs(inflight)
                .maxSizePerMsg(maxSize)
                .maxUncommittedSize(uncommitted)
                .followerProposals(proposals)
                .brokenRuleForTesting(opt.brokenRule());
    }

    /** Runs the schedule, then the liveness phase. Throws {@link Failure}. */
    Stats run() {
        try {
            for (int step = 0; step < opt.steps(); step++) {
                step();
            }
            int livenessTicks = heal();
            return new Stats(seed, ticks, inv.maxAppliedIndex, inv.leadersSeen, inv.readsServed, inv.confChangesApplied,
                    inv.snapshotsRestored, livenessTicks);
        } catch (RuntimeException | AssertionError e) {
            throw new Failure(seed, opt, e, String.join("\n", trace));
        }
    }

    // ---- the schedule -------------------------------------------------------------------------------

    private void step() {
        int roll = random.nextInt(100);
        int conf = opt.jointHeavy() ? 12 : 4;
        if (roll < 50) {
            tick();
        } else if ((roll -= 50) < 15) {
            propose();
        } else if ((roll -= 15) < 8) {
            read();
        } else if ((roll -= 8) < conf) {
            changeMembership();
        } else if ((roll -= conf) < 2) {
            transfer();
        } else if ((roll -= 2) < 11 && random.nextDouble() >= faultLevel) {
            tick(); // a calmer run: no fault this time
        } else if (roll < 3) {
            crashOrRestart();
        } else if ((roll -= 3) < 5) {
            partitionOrHeal();
        } else if ((roll -= 5) < 3) {
            networkWeather();
        } else {
            compact();
        }
    }

    private void tick() {
        runUntil(now + TICK);
        ticks++;
        for (int id = 1; id < nodes.length; id++) {
            SimNode n = nodes[id];
            if (n.up) {
                n.node.tick();
                afterInput(n);
            }
        }
    }

    private void propose() {
        SimNode n = pickTarget();
        if (n == null) {
            return;
        }
        ByteString data = ByteString.copyFromUtf8("w" + (++writes));
        log("propose " + data.toStringUtf8() + " at " + n.id);
        try {
            n.node.propose(data);
        } catch (ProposalDroppedException dropped) {
            // a client would retry elsewhere
        }
        afterInput(n);
    }

    private void read() {
        SimNode n = pickTarget();
        if (n == null) {
            return;
        }
        ByteString ctx = ByteString.copyFromUtf8("r" + (++readsIssued));
        n.reads.put(ctx, new SimNode.PendingRead(ctx, inv.ackedIndex));
        log("read " + ctx.toStringUtf8() + " at " + n.id + " must see " + inv.ackedIndex);
        n.node.readIndex(ctx);
        afterInput(n);
    }

    private void changeMembership() {
        SimNode n = pickTarget();
        if (n == null) {
            return;
        }
        ConfChangeV2 cc = SimMembership.randomChange(random, n.raft().trk.config(), opt.nodes(), opt.jointHeavy(), n.id);
        log("conf change " + Describe.confChange(cc) + " at " + n.id);
        try {
            n.node.proposeConfChange(cc);
        } catch (ConfChangeRefusedException | ProposalDroppedException refused) {
            log("  refused: " + refused.getMessage());
        }
        afterInput(n);
    }

    private void transfer() {
        SimNode leader = leader();
        if (leader == null) {
            return;
        }
        long[] voters = leader.raft().trk.config().voters().incoming().ids();
        long to = voters[random.nextInt(voters.length)];
        log("transfer " + leader.id + " -> " + to);
        leader.node.transferLeader(to);
        afterInput(leader);
    }

    private void crashOrRestart() {
        List<SimNode> down = new ArrayList<>();
        List<SimNode> up = new ArrayList<>();
        for (int id = 1; id < nodes.length; id++) {
            (nodes[id].up ? up : down).add(nodes[id]);
        }
        if (!down.isEmpty() && (up.isEmpty() || random.nextBoolean())) {
            restart(down.get(random.nextInt(down.size())));
        } else if (!up.isEmpty()) {
            SimNode n = up.get(random.nextInt(up.size()));
            log("crash " + n.id);
            n.crash();
        }
    }

    private void restart(SimNode n) {
        log("restart " + n.id);
        n.restart();
        inv.onRestart(n);
        afterInput(n);
    }

    private void partitionOrHeal() {
        if (net.partitioned() && random.nextBoolean()) {
            log("heal partitions");
            net.heal();
            return;
        }
        SimNode leader = leader();
        if (opt.jointHeavy() && leader != null && leader.raft().trk.config().isJoint() && random.nextBoolean()) {
            // Cut the incoming voters off from the outgoing-only ones: each side may then elect a
            // leader by its own view of the membership, which only the joint quorum rules keep apart.
            JointConfig voters = leader.raft().trk.config().voters();
            boolean[] side = new boolean[nodes.length];
            for (int id = 1; id < nodes.length; id++) {
                side[id] = voters.incoming().contains(id) && (id != leader.id || random.nextBoolean());
            }
            net.split(side);
            log("split joint halves " + java.util.Arrays.toString(side));
        } else if (random.nextInt(5) < 3) {
            boolean[] side = new boolean[nodes.length];
            for (int id = 1; id < nodes.length; id++) {
                side[id] = random.nextBoolean();
            }
            net.split(side);
            log("split " + java.util.Arrays.toString(side));
        } else {
            long from = 1 + random.nextInt(opt.nodes());
            long to = 1 + random.nextInt(opt.nodes());
            if (from != to) {
                net.block(from, to);
                log("block " + from + " -> " + to);
            }
        }
    }

    private void networkWeather() {
        switch (random.nextInt(5)) {
            case 0 -> net.dropRate = 0.05 + random.nextDouble() * 0.2;
            case 1 -> net.duplicateRate = 0.05 + random.nextDouble() * 0.2;
            case 2 -> net.maxDelay = 20 + random.nextInt(40);
            case 3 -> slowDisks = !slowDisks;
            default -> net.calm();
        }
        log("network drop=" + net.dropRate + " dup=" + net.duplicateRate + " delay<=" + net.maxDelay + " slowDisks=" + slowDisks);
    }

    private void compact() {
        SimNode n = nodes[1 + random.nextInt(opt.nodes())];
        if (n.up) {
            n.compact(random.nextInt(4));
        }
    }

    /** The leader most of the time, else any live node: followers forward or refuse. */
    private SimNode pickTarget() {
        SimNode leader = leader();
        if (leader != null && random.nextInt(10) < 7) {
            return leader;
        }
        SimNode n = nodes[1 + random.nextInt(opt.nodes())];
        return n.up ? n : null;
    }

    /** The live leader of the highest term, if any. */
    private SimNode leader() {
        SimNode best = null;
        for (int id = 1; id < nodes.length; id++) {
            SimNode n = nodes[id];
            if (n.up && n.raft().state() == StateRole.LEADER && (best == null || n.raft().term > best.raft().term)) {
                best = n;
            }
        }
        return best;
    }

    // ---- events -------------------------------------------------------------------------------------

    private void runUntil(long until) {
        SimNetwork.Event e;
        while ((e = net.next(until)) != null) {
            now = e.time;
            switch (e.kind) {
                case DELIVER -> deliver(e.message);
                case PERSIST -> persist(nodes[(int) e.node], e.incarnation);
                case SNAPSHOT_STATUS -> {
                    SimNode leader = nodes[(int) e.node];
                    if (leader.up) {
                        leader.node.reportSnapshot(e.message.getTo(), e.ok);
                        afterInput(leader);
                    }
                }
            }
        }
        now = until;
    }

    private void deliver(Message m) {
        SimNode to = nodes[(int) m.getTo()];
        boolean ok = to.up && !net.blocked(m.getFrom(), m.getTo());
        if (m.getMsgType() == MessageType.MsgSnapshot) {
            // The transport knows whether the snapshot got through, and tells the sender.
            net.schedule(now + 1, SimNetwork.Kind.SNAPSHOT_STATUS, m.getFrom(), 0, m, ok);
        }
        if (!ok) {
            return;
        }
        net.delivered++;
        if (opt.trace()) {
            log("deliver " + Describe.message(m));
        }
        to.node.step(m);
        afterInput(to);
    }

    private void persist(SimNode n, int incarnation) {
        if (!n.up || incarnation != n.incarnation) {
            return; // the node crashed after this write was scheduled: it never happened
        }
        n.persistScheduled = false;
        if (!n.node.hasReady()) {
            return;
        }
        outbox.clear();
        if (opt.trace()) {
            log("persist " + n.id + ": " + n.node.status().describe().lines().findFirst().orElse(""));
        }
        boolean wasJoint = n.raft().trk.config().isJoint();
        n.handleReady(inv, outbox);
        if (opt.jointHeavy() && !healed && !wasJoint && n.raft().trk.config().isJoint()
                && n.raft().state() == StateRole.LEADER && random.nextBoolean()) {
            // The worst moment: the leader just applied a joint config. Keep the outgoing-only voters
            // from learning it, so that the two halves go on with different views.
            JointConfig voters = n.raft().trk.config().voters();
            for (int id = 1; id < nodes.length; id++) {
                if (id != n.id && !voters.incoming().contains(id)) {
                    net.block(n.id, id);
                }
            }
            log("block the leader's news to the outgoing-only voters");
        }
        for (Message m : outbox) {
            if (!net.send(m, now) && m.getMsgType() == MessageType.MsgSnapshot) {
                net.schedule(now + 1, SimNetwork.Kind.SNAPSHOT_STATUS, m.getFrom(), 0, m, false);
            }
        }
        afterInput(n);
    }

    private void afterInput(SimNode n) {
        inv.afterEvent(n);
        if (!n.persistScheduled && n.node.hasReady()) {
            n.persistScheduled = true;
            int delay = slowDisks && random.nextInt(3) == 0 ? random.nextInt(30) : random.nextInt(3);
            net.schedule(now + delay, SimNetwork.Kind.PERSIST, n.id, n.incarnation, null, true);
        }
    }

    // ---- liveness -------------------------------------------------------------------------------------

    /** Heals every fault, then requires a leader and a committed proposal within {@link #LIVENESS_TICKS}. */
    private int heal() {
        log("heal everything");
        healed = true;
        net.heal();
        net.calm();
        slowDisks = false;
        for (int id = 1; id < nodes.length; id++) {
            if (!nodes[id].up) {
                restart(nodes[id]);
            }
        }
        marker = ByteString.copyFromUtf8("liveness-marker");
        inv.watch(marker);
        long markerTerm = -1;
        for (int t = 1; t <= LIVENESS_TICKS; t++) {
            tick();
            SimNode leader = leader();
            if (leader != null && leader.raft().term != markerTerm) {
                try {
                    leader.node.propose(marker);
                    markerTerm = leader.raft().term;
                } catch (ProposalDroppedException dropped) {
                    // retried next tick
                }
                afterInput(leader);
            }
            if (inv.watchedApplied()) {
                return t;
            }
        }
        StringBuilder state = new StringBuilder();
        for (int id = 1; id < nodes.length; id++) {
            state.append("\n    ").append(nodes[id]).append(nodes[id].up ? " hasReady=" + nodes[id].node.hasReady()
                    + " persistScheduled=" + nodes[id].persistScheduled : "");
            if (nodes[id].up && nodes[id].raft().state() == StateRole.LEADER) {
                state.append("\n    ").append(nodes[id].node.status().describe().replace("\n", "\n    "));
            }
        }
        throw new AssertionError("liveness: no leader committed a proposal within " + LIVENESS_TICKS
                + " ticks after every fault healed; now " + now + ", " + net.describeQueue() + "; nodes:" + state);
    }

    /** The last events (when tracing). */
    String trace() {
        return String.join("\n", trace);
    }

    private void log(String line) {
        if (!opt.trace()) {
            return;
        }
        trace.addLast("t=" + now + " " + line);
        if (trace.size() > TRACE_LINES) {
            trace.removeFirst();
        }
    }
}
