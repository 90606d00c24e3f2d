package io.kvasir.bench.txn;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.TikvGrpc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sends a request for a set of keys to the leaders of their regions, one request per region,
 * and retries what the stores did not do: a region error (not leader, stale epoch, region not
 * found, server busy...) sends the keys of that request back through PD routing; an unreachable
 * store or a timed-out call is sent again. Retrying a timed-out call is safe here because every
 * Percolator command sent through this class is idempotent for its transaction (prewrite, commit,
 * rollback, pessimistic lock and its rollback, lock resolution). Gives up at the call's deadline.
 */
final class RegionCalls {

    /** One request to one region, for {@code keys}, all in that region. */
    interface Call<R> {
        R send(TikvGrpc.TikvBlockingStub stub, Kvrpcpb.Context context, List<byte[]> keys);
    }

    /** The call kept failing until its deadline. */
    static final class GaveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GaveUp(String message) {
            super(message);
        }
    }

    private static final long MAX_PAUSE_MILLIS = 200;

    private final Router router;
    private final long rpcMillis;
    private final long deadlineMillis;

    /**
     * @param rpcMillis      gRPC deadline of one attempt (a pessimistic lock's wait must fit in it)
     * @param deadlineMillis how long one call may go on retrying
     */
    RegionCalls(Router router, long rpcMillis, long deadlineMillis) {
        this.router = router;
        this.rpcMillis = rpcMillis;
        this.deadlineMillis = deadlineMillis;
    }

    /** The answers of every region's request, in no particular order, none with a region error. */
    <R> List<R> perRegion(List<byte[]> keys, Call<R> call, Function<R, Errorpb.Error> regionError) {
        long deadline = System.nanoTime() + deadlineMillis * 1_000_000;
        List<R> answers = new ArrayList<>();
        Deque<List<byte[]>> pending = new ArrayDeque<>();
        pending.add(keys);
        String last = "";
        int attempt = 0;
        while (!pending.isEmpty()) {
            if (attempt > 0 && System.nanoTime() - deadline > 0) {
                throw new GaveUp("gave up after " + attempt + " attempts in " + deadlineMillis + " ms: " + last);
            }
            List<byte[]> batch = pending.poll();
            Map<Router.Route, List<byte[]>> groups;
            try {
                groups = router.group(batch);
            } catch (Router.NoRoute | StatusRuntimeException e) {
                last = "routing: " + e.getMessage();
                pending.addFirst(batch);
                pause(++attempt);
                continue;
            }
            for (Map.Entry<Router.Route, List<byte[]>> g : groups.entrySet()) {
                Router.Route route = g.getKey();
                R answer;
                try {
                    answer = call.send(router.stub(route, rpcMillis), route.context(), g.getValue());
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
                        router.invalidate(route); // the store may be down; PD may know better
                    }
                    last = "store " + route.address() + ": " + e.getStatus();
                    pending.add(g.getValue());
                    if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                        attempt++; // waited long enough already
                    } else {
                        pause(++attempt);
                    }
                    continue;
                }
                Errorpb.Error e = regionError.apply(answer);
                if (e != null) {
                    router.invalidate(route);
                    last = "region " + route.region().getId() + ": " + e.getMessage();
                    pending.add(g.getValue());
                    pause(++attempt);
                    continue;
                }
                answers.add(answer);
            }
        }
        return answers;
    }

    /** Backs off a little more each attempt: a leader election takes a few hundred ms. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(MAX_PAUSE_MILLIS, 10L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GaveUp("interrupted");
        }
    }
}
