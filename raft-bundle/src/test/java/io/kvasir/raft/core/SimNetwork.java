package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Message;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated network and event queue. Events run in order of due time, then of creation
 * (STYLE rule 6), so a run is a pure function of its seed. Messages can be dropped, duplicated and
 * delayed (random delays reorder them); partitions block directed pairs of nodes, symmetric or not,
 * and are checked on delivery, so messages in flight when a partition starts are lost too.
 */
final class SimNetwork {

    enum Kind { DELIVER, PERSIST, SNAPSHOT_STATUS }

    /** One scheduled event. */
    static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final Kind kind;
        final long node;
        final int incarnation;
        final Message message;
        final boolean ok;

        Event(long time, long seq, Kind kind, long node, int incarnation, Message message, boolean ok) {
            this.time = time;
            this.seq = seq;
            this.kind = kind;
            this.node = node;
            this.incarnation = incarnation;
            this.message = message;
            this.ok = ok;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final boolean[][] blocked;
    private long seq;
    /** Fault knobs, changed by the schedule. */
    double dropRate;
    double duplicateRate;
    int maxDelay = 8;
    long delivered;
    long dropped;

    SimNetwork(SplittableRandom random, int nodes) {
        this.random = random;
        this.blocked = new boolean[nodes + 1][nodes + 1];
    }

    /** Sends {@code m} at {@code now}; returns false if it was dropped at once. */
    boolean send(Message m, long now) {
        if (random.nextDouble() < dropRate) {
            dropped++;
            return false;
        }
        schedule(now + 1 + random.nextInt(maxDelay), Kind.DELIVER, m.getTo(), 0, m, true);
        if (random.nextDouble() < duplicateRate) {
            schedule(now + 1 + random.nextInt(maxDelay * 2), Kind.DELIVER, m.getTo(), 0, m, true);
        }
        return true;
    }

    void schedule(long time, Kind kind, long node, int incarnation, Message m, boolean ok) {
        queue.add(new Event(time, seq++, kind, node, incarnation, m, ok));
    }

    /** The next event due at or before {@code until}, or null. */
    Event next(long until) {
        Event e = queue.peek();
        if (e == null || e.time > until) {
            return null;
        }
        return queue.poll();
    }

    /** For failure reports: how many events wait, and the first of them. */
    String describeQueue() {
        Event e = queue.peek();
        return queue.size() + " events queued" + (e == null ? "" : ", next " + e.kind + " at " + e.time + " for " + e.node);
    }

    boolean blocked(long from, long to) {
        return blocked[(int) from][(int) to];
    }

    void block(long from, long to) {
        blocked[(int) from][(int) to] = true;
    }

    /** Splits the nodes into {@code side} and the rest, both ways. */
    void split(boolean[] side) {
        for (int a = 1; a < blocked.length; a++) {
            for (int b = 1; b < blocked.length; b++) {
                if (side[a] != side[b]) {
                    blocked[a][b] = true;
                }
            }
        }
    }

    void heal() {
        for (boolean[] row : blocked) {
            java.util.Arrays.fill(row, false);
        }
    }

    boolean partitioned() {
        for (boolean[] row : blocked) {
            for (boolean b : row) {
                if (b) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Calm network: nothing lost or duplicated, short delays. */
    void calm() {
        dropRate = 0;
        duplicateRate = 0;
        maxDelay = 8;
    }
}
