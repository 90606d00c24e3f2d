package io.kvasir.bench.ycsb;

import java.util.Locale;

/** How operations choose among the loaded records. Public: the transaction driver (io.kvasir.bench.txn) chooses keys the same way. */
public enum Distribution {
    UNIFORM {
        @Override
        public NumberGenerator overRecords(long records) {
            return new UniformGenerator(0, records - 1);
        }
    },
    /** Zipfian with YCSB's constant 0.99, hot records scattered ({@link ScrambledZipfianGenerator}). */
    ZIPFIAN {
        @Override
        public NumberGenerator overRecords(long records) {
            return new ScrambledZipfianGenerator(records);
        }
    };

    /** A generator of record numbers in {@code [0, records)}. */
    public abstract NumberGenerator overRecords(long records);

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Distribution parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown distribution '" + text + "' (expected uniform or zipfian)", e);
        }
    }
}
