package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.KeySpace;
import io.kvasir.bench.ycsb.NumberGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Draws the keys of one transaction: {@code count} distinct records from the YCSB driver's
 * generator, as its keys ({@link KeySpace}), in the order drawn. The first is the primary. Drawn
 * order, not key order: pessimistic transactions lock in this order, as statements would, so two
 * of them can wait for each other and the store's deadlock detector has work to do.
 */
final class KeyPicker {

    private final NumberGenerator records;
    private final int count;

    KeyPicker(NumberGenerator records, long recordCount, int count) {
        if (count < 1 || count > recordCount) {
            throw new IllegalArgumentException(count + " distinct keys out of " + recordCount + " records");
        }
        this.records = records;
        this.count = count;
    }

    int count() {
        return count;
    }

    List<byte[]> pick(RandomGenerator random) {
        List<Long> drawn = new ArrayList<>(count);
        while (drawn.size() < count) {
            long r = records.next(random);
            if (!drawn.contains(r)) {
                drawn.add(r);
            }
        }
        List<byte[]> keys = new ArrayList<>(count);
        drawn.forEach(r -> keys.add(KeySpace.key(r)));
        return keys;
    }
}
