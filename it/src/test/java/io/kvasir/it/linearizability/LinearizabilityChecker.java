package io.kvasir.it.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a history of reads, writes and compare-and-swaps on a key-value store is
 * linearizable: that every operation can be placed at one instant between its invocation and its
 * return so that the sequence is a correct run of a register per key. Keys are independent
 * (linearizability is compositional), so each key's history is checked on its own, with the
 * Wing–Gong search and Lowe's memoisation of (operations placed, register value) states.
 *
 * <p>An operation with an unknown outcome returns at "infinity": the search may place it anywhere
 * after its invocation, including after everything else, where it changes nothing observed.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    /** The verdict for a history: empty when linearizable, else the first key that is not. */
    public static Optional<String> firstViolation(List<Op> history) {
        Map<String, List<Op>> byKey = new LinkedHashMap<>();
        for (Op op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            if (!linearizable(e.getValue())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** One key's history, from an absent initial value. */
    static boolean linearizable(List<Op> ops) {
        Entry head = events(ops);
        BitSet placed = new BitSet(ops.size());
        Set<State> seen = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        String value = null;
        Entry entry = head.next;
        while (head.next != null) {
            if (entry.isCall()) {
                Step step = step(value, entry.op);
                if (step.legal()) {
                    BitSet next = (BitSet) placed.clone();
                    next.set(entry.id);
                    if (seen.add(new State(next, step.value()))) {
                        stack.push(new Frame(entry, value));
                        placed = next;
                        value = step.value();
                        entry.lift();
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // A return reached before its call was placed: undo the last placement.
                if (stack.isEmpty()) {
                    return false;
                }
                Frame top = stack.pop();
                value = top.value();
                // A copy: the set placed now is also a key in seen, and must not change under it.
                placed = (BitSet) placed.clone();
                placed.clear(top.call().id);
                top.call().unlift();
                entry = top.call().next;
            }
        }
        return true;
    }

    private record Step(boolean legal, String value) {
    }

    /** The register's answer to {@code op} when it holds {@code value}. */
    private static Step step(String value, Op op) {
        return switch (op.kind()) {
            case READ -> new Step(Objects.equals(value, op.read()), value);
            case WRITE -> new Step(true, op.value());
            case CAS -> {
                boolean matches = Objects.equals(value, op.expected());
                if (op.unknown()) {
                    yield new Step(true, matches ? op.value() : value);
                }
                yield new Step(matches == op.ok(), matches ? op.value() : value);
            }
        };
    }

    private record State(BitSet placed, String value) {
    }

    private record Frame(Entry call, String value) {
    }

    /** Call and return events in time order, as a doubly linked list with a sentinel head. */
    private static Entry events(List<Op> ops) {
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Entry call = new Entry(i, op, op.invokedAt(), true);
            Entry ret = new Entry(i, op, op.returnedAt(), false);
            call.match = ret;
            all.add(call);
            all.add(ret);
        }
        // At equal times calls come first: an operation precedes another only if it returned strictly
        // before the other was invoked (clocks do not order events at one instant), and an operation
        // that returned at the instant it was invoked still has its call before its return.
        all.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.call));
        Entry head = new Entry(-1, null, Long.MIN_VALUE, false);
        Entry prev = head;
        for (Entry e : all) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
        return head;
    }

    private static final class Entry {
        final int id;
        final Op op;
        final long time;
        final boolean call;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, Op op, long time, boolean call) {
            this.id = id;
            this.op = op;
            this.time = time;
            this.call = call;
        }

        boolean isCall() {
            return call;
        }

        /** Takes this call and its return out of the list. */
        void lift() {
            prev.next = next;
            if (next != null) {
                next.prev = prev;
            }
            match.prev.next = match.next;
            if (match.next != null) {
                match.next.prev = match.prev;
            }
        }

        /** Puts them back, in the reverse order of {@link #lift}. */
        void unlift() {
            match.prev.next = match;
            if (match.next != null) {
                match.next.prev = match;
            }
            prev.next = this;
            if (next != null) {
                next.prev = this;
            }
        }
    }
}
