package io.kvasir.server;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one path every command takes, raw or transactional: call the storage (a synchronous throw
 * counts as a failed future, a null future as a bug), build the response from the value, or from
 * the {@link Failure} if the call or the building failed, and record the outcome in the metrics.
 * Shared so that both command sets classify and count failures the same way.
 */
@PerformanceCriticalPath
final class CommandRunner {
    private final RequestMetrics metrics;

    CommandRunner(RequestMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * {@code onFailure} may throw {@link Failure.CallFailedException} for responses that have no
     * field for the failure; the returned future then fails with it.
     */
    <T, R> CompletableFuture<R> run(Command command, Supplier<CompletableFuture<T>> call,
                                    Function<T, R> onValue, Function<Failure, R> onFailure) {
        long start = metrics.start();
        CompletableFuture<T> pending;
        try {
            pending = Objects.requireNonNull(call.get(), "the storage layer returned no future");
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        return pending.handle((value, error) -> {
            Throwable cause = error;
            if (cause == null) {
                try {
                    R response = onValue.apply(value);
                    metrics.record(command, RequestMetrics.Outcome.OK, start);
                    return response;
                } catch (RuntimeException e) {
                    // A value the response cannot hold (a null element, say) is a storage bug, not the client's.
                    cause = e;
                }
            }
            Failure failure = Failure.of(command, cause);
            metrics.record(command, failure.outcome(), start);
            return onFailure.apply(failure);
        });
    }
}
