package io.kvasir.bench.ycsb;

import java.util.Locale;

/** How operations choose among the loaded records. */
enum Distribution {
    UNIFORM {
        @Override
        NumberGenerator overRecords(long records) {
            return new UniformGenerator(0, records - 1);
        }
    },
    /** Zipfian with YCSB's constant 0.99, hot records scattered ({@link ScrambledZipfianGenerator}). */
    ZIPFIAN {
        @Override
        NumberGenerator overRecords(long records) {
            return new ScrambledZipfianGenerator(records);
        }
    };

    /** A generator of record numbers in {@code [0, records)}. */
    abstract NumberGenerator overRecords(long records);

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Distribution parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown distribution '" + text + "' (expected uniform or zipfian)", e);
        }
    }
}
