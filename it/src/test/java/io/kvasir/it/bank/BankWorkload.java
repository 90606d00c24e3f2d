package io.kvasir.it.bank;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bank's clients: transfer threads moving money between random accounts, some of them
 * "dying" halfway on purpose so that others have locks to resolve, and reader threads taking
 * snapshot reads of every account. Each thread draws its choices from its own random, seeded
 * from the run's seed. What they saw is kept for {@link BankChecker}.
 */
public final class BankWorkload {
    /** Share of transfers whose client dies after prewriting everything. */
    static final double DIES_BEFORE_COMMIT = 0.03;
    /** Share of transfers whose client dies after committing the primary only. */
    static final double DIES_AFTER_PRIMARY_COMMIT = 0.05;
    /** Pause after a failed read, so that a thread does not spin while the cluster elects. */
    private static final long PAUSE_AFTER_FAILURE_MS = 50;

    private final BankClient client;
    private final int accounts;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Transfer> transfers = Collections.synchronizedList(new ArrayList<>());
    private final List<BalanceRead> reads = Collections.synchronizedList(new ArrayList<>());
    private final List<String> incompleteReads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failedReads = new AtomicInteger();
    private final List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());

    public BankWorkload(BankClient client, int accounts) {
        this.client = client;
        this.accounts = accounts;
    }

    /** Starts the threads; each gets its own seed from {@code seeds}. */
    public void start(int transferThreads, int readerThreads, Random seeds) {
        for (int i = 0; i < transferThreads; i++) {
            int n = i;
            Random random = new Random(seeds.nextLong());
            spawn("bank-transfers-" + n, () -> transferLoop(n, random));
        }
        for (int i = 0; i < readerThreads; i++) {
            spawn("bank-reads-" + i, this::readLoop);
        }
    }

    private void spawn(String name, Runnable loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                crashes.add(e);
            }
        }, name);
        threads.add(t);
        t.start();
    }

    private void transferLoop(int thread, Random random) {
        for (int seq = 0; running.get(); seq++) {
            int from = random.nextInt(accounts);
            int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
            double fate = random.nextDouble();
            BankClient.Ending ending = fate < DIES_BEFORE_COMMIT ? BankClient.Ending.DIES_BEFORE_COMMIT
                    : fate < DIES_BEFORE_COMMIT + DIES_AFTER_PRIMARY_COMMIT ? BankClient.Ending.DIES_AFTER_PRIMARY_COMMIT
                    : BankClient.Ending.COMPLETES;
            try {
                Transfer t = client.transfer("c" + thread + "-" + seq, from, to, random, ending);
                if (t != null) {
                    transfers.add(t);
                } else {
                    pause();
                }
            } catch (BankClient.IncompleteRead e) {
                incompleteReads.add("transfer c" + thread + "-" + seq + ": " + e.getMessage());
            } catch (Exception e) {
                throw new IllegalStateException("transfer c" + thread + "-" + seq + " broke its client", e);
            }
        }
    }

    /** Reads by batch get and by scan in turn: the two ways a reader meets locks (KvBatchGet, KvScan). */
    private void readLoop() {
        for (long n = 0; running.get(); n++) {
            try {
                reads.add(n % 2 == 0 ? client.readAll() : client.readAllByScan());
            } catch (BankClient.IncompleteRead e) {
                incompleteReads.add(e.getMessage());
            } catch (RuntimeException e) {
                // A read that got no answer says nothing about the data.
                failedReads.incrementAndGet();
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_AFTER_FAILURE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the threads and waits for them: a transfer in progress finishes first. */
    public void stop(long timeoutMillis) throws InterruptedException {
        running.set(false);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Thread t : threads) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop within " + timeoutMillis + " ms");
            }
        }
    }

    public List<Transfer> transfers() {
        return List.copyOf(transfers);
    }

    public List<BalanceRead> reads() {
        return List.copyOf(reads);
    }

    public long count(Transfer.Outcome outcome) {
        return transfers().stream().filter(t -> t.outcome() == outcome).count();
    }

    public int failedReads() {
        return failedReads.get();
    }

    /** Reads that answered without one of their accounts, or with keys that are none (each an anomaly). */
    public List<String> incompleteReads() {
        return List.copyOf(incompleteReads);
    }

    /** What broke a client thread (a bug in the test or the client library). */
    public List<Throwable> crashes() {
        return List.copyOf(crashes);
    }
}
