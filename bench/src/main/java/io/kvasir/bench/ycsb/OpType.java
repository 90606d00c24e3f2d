package io.kvasir.bench.ycsb;

/** The operations the driver issues, each one {@code RawKVClient} call. */
enum OpType {
    /** {@code get(key)} of a loaded record. */
    READ("read"),
    /** {@code put(key, value)} over a loaded record; YCSB's update of one field. */
    UPDATE("update"),
    /** {@code put(key, value)} of a record beyond the loaded ones. */
    INSERT("insert"),
    /** {@code scan(startKey, limit)} from a loaded record. */
    SCAN("scan"),
    /** {@code batchPut} of up to {@link WorkloadRunner#LOAD_BATCH} records, during the load. */
    BATCH_PUT("batchPut");

    private final String label;

    OpType(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
