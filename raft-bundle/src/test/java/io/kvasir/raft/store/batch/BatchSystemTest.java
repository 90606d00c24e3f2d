package io.kvasir.raft.store.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchSystemTest {

    /** Counts what it is sent, and checks it is never run by two pollers at once. */
    static final class Counter extends Fsm<Integer> {
        final AtomicBoolean running = new AtomicBoolean();
        final List<Integer> seen = new ArrayList<>();
        volatile boolean overlapped;
        volatile int extraRuns;

        Counter(BatchSystem<Counter> system) {
            super(system);
        }
    }

    static final class CountingHandler implements BatchSystem.PollHandler<Counter> {
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger largestBatch = new AtomicInteger();

        @Override
        public void handle(List<Counter> batch) {
            batches.incrementAndGet();
            largestBatch.accumulateAndGet(batch.size(), Math::max);
            for (Counter c : batch) {
                if (!c.running.compareAndSet(false, true)) {
                    c.overlapped = true;
                }
                for (Integer m = c.poll(); m != null; m = c.poll()) {
                    synchronized (c) {
                        c.seen.add(m);
                    }
                }
                if (c.extraRuns > 0) {
                    c.extraRuns--;
                }
                c.running.set(false);
            }
        }

        @Override
        public boolean hasMoreWork(Counter c) {
            return c.extraRuns > 0;
        }
    }

    private final BatchSystem<Counter> system = new BatchSystem<>("test", 8);

    @AfterEach
    void stop() {
        system.stop();
    }

    @Test
    void everyMessageIsHandledOnceInSendOrderAndNoMachineRunsTwiceAtOnce() throws Exception {
        CountingHandler h1 = new CountingHandler();
        CountingHandler h2 = new CountingHandler();
        CountingHandler h3 = new CountingHandler();
        system.start(List.of(h1, h2, h3));
        List<Counter> machines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            machines.add(new Counter(system));
        }
        int perMachine = 2000;
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            Thread s = new Thread(() -> {
                for (int n = offset; n < perMachine; n += 4) {
                    for (Counter c : machines) {
                        assertTrue(c.send(n));
                    }
                }
            });
            senders.add(s);
            s.start();
        }
        for (Thread s : senders) {
            s.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Counter c : machines) {
            while (true) {
                int size;
                synchronized (c) {
                    size = c.seen.size();
                }
                if (size == perMachine || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(5);
            }
        }
        for (Counter c : machines) {
            assertFalse(c.overlapped, "a machine ran on two pollers at once");
            List<Integer> seen;
            synchronized (c) {
                seen = new ArrayList<>(c.seen);
            }
            assertEquals(perMachine, seen.size(), "every message handled exactly once");
            for (int t = 0; t < 4; t++) {
                int last = -1;
                for (int n : seen) {
                    if (n % 4 == t) {
                        assertTrue(n > last, "one sender's messages keep their order");
                        last = n;
                    }
                }
            }
        }
        assertTrue(h1.batches.get() + h2.batches.get() + h3.batches.get() > 0);
        int largest = Math.max(h1.largestBatch.get(), Math.max(h2.largestBatch.get(), h3.largestBatch.get()));
        assertTrue(largest <= 8, "batches never exceed the max batch size, was " + largest);
    }

    @Test
    void aMachineWithWorkBesidesMailRunsAgainAndAClosedOneTakesNoMail() throws Exception {
        CountingHandler h = new CountingHandler();
        system.start(List.of(h));
        Counter c = new Counter(system);
        c.extraRuns = 5;
        assertTrue(c.send(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (c.extraRuns > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, c.extraRuns, "run again while it reports more work");
        c.close();
        assertFalse(c.send(2));
        assertTrue(c.isClosed());
    }
}
