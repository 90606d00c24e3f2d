package io.kvasir.txn.deadlock;

import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.DeadlockDetector.Wait;
import java.util.List;
import java.util.function.Consumer;

/** The waits of one store, seen only by its own detector: cycles through other stores go unseen. */
public final class LocalWaitForGraph implements WaitForGraph {
    private final DeadlockDetector detector;

    public LocalWaitForGraph(DeadlockDetector detector) {
        this.detector = detector;
    }

    @Override
    public void detect(Wait wait, Consumer<List<Wait>> onDeadlock) {
        detector.detect(wait.waiter(), wait.holder(), wait.keyHash(), wait.key()).ifPresent(onDeadlock);
    }

    @Override
    public void cleanUpWaitFor(long waiter, long holder, long keyHash) {
        detector.cleanUpWaitFor(waiter, holder, keyHash);
    }

    @Override
    public void cleanUp(long txn) {
        detector.cleanUp(txn);
    }
}
