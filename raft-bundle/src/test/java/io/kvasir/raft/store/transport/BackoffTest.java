package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.ManualClock.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheMaximumAndStartsOverAfterAReset() {
        Backoff b = new Backoff(ms(100), ms(500));
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pauses.add(b.next().toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 500L, 500L), pauses);
        b.reset();
        assertEquals(100, b.next().toMillis());
    }

    @Test
    void aMaximumBelowTheInitialPauseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(ms(100), ms(50)));
    }
}
