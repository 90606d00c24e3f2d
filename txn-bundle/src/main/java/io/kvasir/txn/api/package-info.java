/** The storage layer's service interfaces: {@link io.kvasir.txn.api.RawStorage} for TiKV's raw KV API. */
package io.kvasir.txn.api;
