package io.kvasir.raft.store.batch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A state machine with a mailbox (TiKV's {@code batch-system} {@code Fsm}): any thread may
 * {@link #send} it messages; a {@link BatchSystem} runs it on one of its pollers whenever it has
 * mail, never on two at once, so whatever the machine owns needs no lock.
 *
 * <p>Scheduling is one atomic state: IDLE (no poller holds it, nothing queued it), NOTIFIED
 * (queued for a poller, or being run by one), CLOSED (takes no more mail). A sender that finds it
 * IDLE moves it to NOTIFIED and queues it; a poller that finishes with it sets IDLE and looks at
 * the mailbox once more, so a message sent in between is never stranded.
 *
 * @param <M> the messages it takes
 */
public abstract class Fsm<M> {

    private static final int IDLE = 0;
    private static final int NOTIFIED = 1;
    private static final int CLOSED = 2;

    private final Queue<M> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final BatchSystem<?> system;

    /** A machine that {@code system}'s pollers run. */
    protected Fsm(BatchSystem<?> system) {
        this.system = system;
    }

    /** Queues {@code message} and makes sure a poller will run this machine; false once closed. */
    public final boolean send(M message) {
        if (state.get() == CLOSED) {
            return false;
        }
        mailbox.offer(message);
        if (state.get() == CLOSED) {
            // Closed meanwhile: whoever closed it may have drained already. Take ours back if we can.
            return !mailbox.remove(message);
        }
        notifyPoller();
        return true;
    }

    /** Has a poller run this machine, whatever its mailbox holds: its work is not only mail. */
    public final void wake() {
        notifyPoller();
    }

    /** The next message, or null; for the poller running this machine. */
    public final M poll() {
        return mailbox.poll();
    }

    public final boolean hasMail() {
        return !mailbox.isEmpty();
    }

    public final boolean isClosed() {
        return state.get() == CLOSED;
    }

    /**
     * Takes no more mail. Messages still queued are left for {@link #poll}: the caller (usually the
     * machine itself, on its poller) drains and answers them.
     */
    public final void close() {
        state.set(CLOSED);
    }

    private void notifyPoller() {
        if (state.compareAndSet(IDLE, NOTIFIED)) {
            system.schedule(this);
        }
    }

    /** The poller is done with this machine; called by {@link BatchSystem} only. */
    final void release(boolean moreWork) {
        if (!state.compareAndSet(NOTIFIED, IDLE)) {
            return; // closed while running: nobody runs it again
        }
        if (moreWork || hasMail()) {
            notifyPoller();
        }
    }
}
