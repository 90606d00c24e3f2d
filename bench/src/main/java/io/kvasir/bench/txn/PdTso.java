package io.kvasir.bench.txn;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Timestamps from PD's {@code Tso} stream, batched as TiKV's clients do: one sender thread takes
 * every caller waiting, asks PD for that many timestamps in one request, and hands them out. One
 * request is in flight at a time, so 64 threads cost PD far fewer round trips than 64 requests.
 * A timestamp is {@code physical << 18 | logical}; a response names the last of its {@code count}
 * consecutive logical values.
 */
final class PdTso implements Tso, AutoCloseable {

    private static final int LOGICAL_BITS = 18;
    private static final long WAIT_MILLIS = 10_000;

    private final PdConnection pd;
    private final BlockingQueue<CompletableFuture<Long>> waiting = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closed;

    PdTso(PdConnection pd) {
        this.pd = pd;
        this.sender = new Thread(this::serve, "pd-tso");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public long next() {
        CompletableFuture<Long> ts = new CompletableFuture<>();
        waiting.add(ts);
        try {
            return ts.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a timestamp", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("PD gave no timestamp: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("PD gave no timestamp within " + WAIT_MILLIS + " ms", e);
        }
    }

    private void serve() {
        Stream stream = null;
        List<CompletableFuture<Long>> batch = new ArrayList<>();
        while (!closed) {
            batch.clear();
            try {
                CompletableFuture<Long> first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                break;
            }
            waiting.drainTo(batch);
            try {
                if (stream == null) {
                    stream = new Stream();
                }
                Pdpb.TsoResponse r = stream.request(batch.size());
                if (r.getCount() != batch.size()) {
                    throw new IllegalStateException("asked PD for " + batch.size() + " timestamps, got " + r.getCount());
                }
                long physical = r.getTimestamp().getPhysical();
                long firstLogical = r.getTimestamp().getLogical() - batch.size() + 1;
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(physical << LOGICAL_BITS | (firstLogical + i));
                }
            } catch (RuntimeException e) {
                batch.forEach(f -> f.completeExceptionally(e));
                if (stream != null) {
                    stream.close();
                }
                stream = null; // a broken stream is reopened for the next batch
            }
        }
        if (stream != null) {
            stream.close();
        }
        CompletableFuture<Long> left;
        while ((left = waiting.poll()) != null) {
            left.completeExceptionally(new IllegalStateException("closed"));
        }
    }

    /** One open {@code Tso} call: requests go out one at a time, each answered by one response. */
    private final class Stream {
        private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        private final StreamObserver<Pdpb.TsoRequest> requests;

        Stream() {
            requests = pd.async().tso(new StreamObserver<>() {
                @Override
                public void onNext(Pdpb.TsoResponse value) {
                    answers.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    answers.add(t);
                }

                @Override
                public void onCompleted() {
                    answers.add(new IllegalStateException("PD closed the Tso stream"));
                }
            });
        }

        Pdpb.TsoResponse request(int count) {
            requests.onNext(Pdpb.TsoRequest.newBuilder().setHeader(pd.header()).setCount(count).build());
            Object answer;
            try {
                answer = answers.poll(PdConnection.RPC_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (answer instanceof Pdpb.TsoResponse r) {
                return r;
            }
            if (answer instanceof Throwable t) {
                throw new IllegalStateException("Tso stream failed: " + t, t);
            }
            throw new IllegalStateException("no Tso answer within " + PdConnection.RPC_MILLIS + " ms");
        }

        void close() {
            try {
                requests.onCompleted();
            } catch (RuntimeException ignored) {
                // already broken: nothing to close
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
    }
}
