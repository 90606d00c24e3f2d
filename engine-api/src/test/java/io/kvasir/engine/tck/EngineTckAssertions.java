package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Assertions shared by several groups of cases. */
final class EngineTckAssertions {

    private EngineTckAssertions() {
    }

    /** {@code call} fails with an EngineException, and {@code cf} holds exactly what it held before. */
    static EngineException assertFailsWithoutChange(KvEngine engine, ColumnFamily cf, Executable call) {
        Map<String, String> before = EngineCases.contents(engine, cf, IterOptions.ALL);
        EngineException e = assertThrows(EngineException.class, call);
        assertEquals(before, EngineCases.contents(engine, cf, IterOptions.ALL), "a failed call changed the data");
        return e;
    }
}
