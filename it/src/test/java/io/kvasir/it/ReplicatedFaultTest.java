package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.it.linearizability.LinearizabilityChecker;
import io.kvasir.it.linearizability.Op;
import io.kvasir.kvproto.Metapb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 3-store playground as separate processes, under a concurrent get / put / compare-and-swap
 * load on a few keys, while one store at a time is killed with SIGKILL at a random moment and
 * restarted on its data. Every operation is recorded as the client saw it, and the history must be
 * linearizable: no acknowledged write lost, no stale or invented read. The load goes through
 * {@link ExactRawClient}, which knows when a write's outcome is unknown; tikv-client-java's own
 * retries would blur that (its raw API is covered by {@code RawKvClientTest}).
 *
 * <p>The short version runs in the build. The long one is
 * {@code mvn -B verify -pl it -am -Dtest=ReplicatedFaultTest -Dkvasir.fault.seconds=600 -Dkvasir.fault.keys=32}
 * (more keys keep each key's history small enough for the checker's search); a failing
 * run prints its seed, and {@code -Dkvasir.fault.seed=N} replays the same fault schedule.
 */
class ReplicatedFaultTest {

    /** Fast Raft ticks, so that a lost leader is replaced within a couple of seconds. */
    static final String FAST_RAFT = "-Draftstore.raft-base-tick-interval=100ms"
            + " -Draftstore.pd-heartbeat-tick-interval=2s -Draftstore.pd-store-heartbeat-tick-interval=2s";
    /** Keys the clients share; the long version uses more, so each key's history stays checkable. */
    static final int KEYS = Integer.getInteger("kvasir.fault.keys", 4);
    static final int CLIENTS = 4;

    @TempDir
    Path data;

    @Test
    void historiesStayLinearizableWhileStoresAreKilled() throws Exception {
        long seconds = Long.getLong("kvasir.fault.seconds", 40);
        long seed = Long.getLong("kvasir.fault.seed", System.nanoTime());
        System.out.println("ReplicatedFaultTest seed " + seed + " (replay with -Dkvasir.fault.seed=" + seed + ")");
        Random random = new Random(seed);
        try (Playground playground = Playground.startWithJvmOptions(FAST_RAFT, data, "--stores", "3")) {
            awaitThreeVoters(playground.pdAddress());
            List<Op> history = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int process = c;
                long clientSeed = random.nextLong();
                Thread t = new Thread(() -> runClient(playground.pdAddress(), process, new Random(clientSeed), running, history),
                        "fault-client-" + c);
                t.start();
                clients.add(t);
            }
            StoreKiller killer = new StoreKiller(playground, data, random, FAST_RAFT, "ReplicatedFaultTest");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                killer.killOneAndRestart();
            }
            running.set(false);
            for (Thread t : clients) {
                t.join(120_000);
            }
            // A final read of every key, with the cluster whole again: nothing acknowledged is lost.
            try (ExactRawClient client = new ExactRawClient(playground.pdAddress())) {
                for (int k = 0; k < KEYS; k++) {
                    String key = key(k);
                    long at = System.nanoTime();
                    Optional<String> v = client.get(key);
                    history.add(Op.read(CLIENTS, key, v.orElse(null), at, System.nanoTime()));
                }
            } finally {
                killer.close();
            }
            List<Op> ops = new ArrayList<>(history);
            long acknowledged = ops.stream().filter(o -> !o.unknown()).count();
            System.out.println("ReplicatedFaultTest: " + ops.size() + " operations, " + acknowledged + " with a known outcome");
            assertTrue(acknowledged > 50, "the cluster served too little under faults: " + acknowledged);
            Optional<String> violation = LinearizabilityChecker.firstViolation(ops);
            if (violation.isPresent()) {
                Path dump = Path.of("target", "fault-history-" + seed + ".txt");
                java.nio.file.Files.createDirectories(dump.getParent());
                java.nio.file.Files.write(dump, ops.stream().filter(o -> o.key().equals(violation.get()))
                        .sorted(java.util.Comparator.comparingLong(Op::invokedAt)).map(Op::toString).toList());
                System.out.println("ReplicatedFaultTest: history of " + violation.get() + " in " + dump.toAbsolutePath());
            }
            assertEquals(Optional.empty(), violation, "history not linearizable (seed " + seed + ")");
        }
    }

    private static String key(int k) {
        return "fault/" + k;
    }

    private static void runClient(String pdAddress, int process, Random random, AtomicBoolean running, List<Op> history) {
        int counter = 0;
        try (ExactRawClient client = new ExactRawClient(pdAddress)) {
            while (running.get()) {
                String key = key(random.nextInt(KEYS));
                String value = process + "-" + (counter++);
                long invoked = System.nanoTime();
                int kind = random.nextInt(3);
                String expected = null;
                try {
                    switch (kind) {
                        case 0 -> {
                            Optional<String> v = client.get(key);
                            history.add(Op.read(process, key, v.orElse(null), invoked, System.nanoTime()));
                        }
                        case 1 -> {
                            client.put(key, value);
                            history.add(Op.write(process, key, value, invoked, System.nanoTime()));
                        }
                        default -> {
                            Optional<String> seen = client.get(key);
                            long casInvoked = System.nanoTime();
                            history.add(Op.read(process, key, seen.orElse(null), invoked, casInvoked));
                            invoked = casInvoked;
                            expected = seen.orElse(null);
                            boolean swapped = client.compareAndSwap(key, seen, value);
                            history.add(Op.cas(process, key, expected, value, swapped, invoked, System.nanoTime()));
                        }
                    }
                } catch (ExactRawClient.UnknownOutcome unknown) {
                    // A timeout or a broken connection: the write may or may not have happened.
                    if (kind == 1) {
                        history.add(Op.write(process, key, value, invoked, 0).withUnknownOutcome());
                    } else {
                        // It may have swapped from what was read, or not at all.
                        history.add(Op.cas(process, key, expected, value, true, invoked, 0).withUnknownOutcome());
                    }
                } catch (IllegalStateException readFailed) {
                    sleep(50); // a read that never got an answer changed nothing
                }
            }
        }
    }

    /** Waits until PD reports the first region with three voters: replication is in place. */
    static void awaitThreeVoters(String pdAddress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Metapb.Region region = null;
        while (System.nanoTime() < deadline) {
            try {
                region = PdRegions.first(pdAddress).getRegion();
                if (region.getPeersList().stream().filter(p -> p.getRole() == Metapb.PeerRole.Voter).count() == 3) {
                    return;
                }
            } catch (RuntimeException e) {
                // PD not ready yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("region never reached three voters: " + region);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
