package io.kvasir.txn.deadlock;

import io.kvasir.txn.sched.DeadlockDetector.Wait;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a store reports its pessimistic lock waits so that deadlocks are found: this store's own
 * detector, or the cluster's one detector (TiKV's deadlock detector leader), wherever it runs.
 * Reports are asynchronous: a wait that closes a cycle is answered through its callback, and a
 * wait that closes none gets no answer at all (it simply waits), as in TiKV's Detect stream.
 */
public interface WaitForGraph {

    /**
     * {@code wait.waiter()} now waits for {@code wait.holder()}. If that closes a cycle of waits,
     * {@code onDeadlock} gets the cycle, starting with this wait, and the wait is not recorded.
     */
    void detect(Wait wait, Consumer<List<Wait>> onDeadlock);

    /** The waiter stopped waiting on that key (it got the lock, gave up, or timed out). */
    void cleanUpWaitFor(long waiter, long holder, long keyHash);

    /** The transaction ended: it waits for nobody any more. */
    void cleanUp(long txn);
}
