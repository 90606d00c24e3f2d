package io.kvasir.engine.tck;

import io.kvasir.engine.api.KvEngineFactory;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite of the engine API. An engine conforms when its one-line subclass passes:
 *
 * <pre>
 * class RocksDbEngineTckTest extends EngineTck {
 *     protected KvEngineFactory factory() { return new RocksDbEngineFactory(); }
 * }
 * </pre>
 *
 * Each capability's cases live in their own class; this class gathers them as nested suites, so
 * a report shows which capability failed.
 */
public abstract class EngineTck {

    /** Opens engines of the kind under test. */
    protected abstract KvEngineFactory factory();

    /**
     * Opens engines of another kind, for region snapshot round trips between engines. Defaults to
     * the engine under test; a suite that can reach a second engine should return it.
     */
    protected KvEngineFactory peerFactory() {
        return factory();
    }

    @Nested
    class PointReadsAndWrites extends PointCases {
        PointReadsAndWrites() {
            super(EngineTck.this);
        }
    }

    @Nested
    class WriteBatches extends WriteBatchCases {
        WriteBatches() {
            super(EngineTck.this);
        }
    }

    @Nested
    class Iterators extends IteratorCases {
        Iterators() {
            super(EngineTck.this);
        }
    }

    @Nested
    class Snapshots extends SnapshotCases {
        Snapshots() {
            super(EngineTck.this);
        }
    }

    @Nested
    class SortedFileIngestion extends SortedFileCases {
        SortedFileIngestion() {
            super(EngineTck.this);
        }
    }

    @Nested
    class RangeEstimates extends RangePropertiesCases {
        RangeEstimates() {
            super(EngineTck.this);
        }
    }

    @Nested
    class RegionSnapshotTransfer extends RegionSnapshotCases {
        RegionSnapshotTransfer() {
            super(EngineTck.this);
        }
    }

    @Nested
    class CheckpointsAndStats extends CheckpointCases {
        CheckpointsAndStats() {
            super(EngineTck.this);
        }
    }

    @Nested
    class BadInput extends BadInputCases {
        BadInput() {
            super(EngineTck.this);
        }
    }

    @Nested
    class CrashSafety extends CrashCases {
        CrashSafety() {
            super(EngineTck.this);
        }
    }
}
