package io.kvasir.server;

/**
 * The commands this facade answers, each with the label TiKV's own gRPC metrics use for it
 * ({@code tikv_grpc_msg_duration_seconds{type=...}}), so dashboards built for TiKV read ours.
 */
enum Command {
    RAW_GET("raw_get"),
    RAW_BATCH_GET("raw_batch_get"),
    RAW_PUT("raw_put"),
    RAW_BATCH_PUT("raw_batch_put"),
    RAW_DELETE("raw_delete"),
    RAW_BATCH_DELETE("raw_batch_delete"),
    RAW_SCAN("raw_scan"),
    RAW_BATCH_SCAN("raw_batch_scan"),
    RAW_DELETE_RANGE("raw_delete_range"),
    RAW_COMPARE_AND_SWAP("raw_compare_and_swap"),
    RAW_GET_KEY_TTL("raw_get_key_ttl"),
    RAW_CHECKSUM("raw_checksum"),
    KV_GET("kv_get"),
    KV_BATCH_GET("kv_batch_get"),
    KV_SCAN("kv_scan"),
    KV_PREWRITE("kv_prewrite"),
    KV_COMMIT("kv_commit"),
    KV_CLEANUP("kv_cleanup"),
    KV_BATCH_ROLLBACK("kv_batch_rollback"),
    KV_CHECK_TXN_STATUS("kv_check_txn_status"),
    KV_TXN_HEART_BEAT("kv_txn_heart_beat"),
    KV_RESOLVE_LOCK("kv_resolve_lock"),
    KV_SCAN_LOCK("kv_scan_lock"),
    KV_PESSIMISTIC_LOCK("kv_pessimistic_lock"),
    KV_PESSIMISTIC_ROLLBACK("kv_pessimistic_rollback"),
    MVCC_GET_BY_KEY("mvcc_get_by_key"),
    MVCC_GET_BY_START_TS("mvcc_get_by_start_ts"),
    KV_CHECK_SECONDARY_LOCKS("kv_check_secondary_locks"),
    KV_DELETE_RANGE("kv_delete_range"),
    KV_GC("kv_gc"),
    /** Raw and transactional splits alike, as in TiKV. */
    SPLIT_REGION("split_region"),
    /** {@code BatchCommandsRequest.Request.Empty}: the client's health probe on the stream. */
    BATCH_EMPTY("batch_commands_empty"),
    /** A BatchCommands entry this store does not serve (coprocessor, import, an unset cmd). */
    UNSUPPORTED("unsupported");

    private final String label;

    Command(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
