package io.kvasir.txn.raw;

/**
 * CRC-64/XZ (ECMA-182 polynomial, reflected, initial and final value all ones), the checksum
 * TiKV's RawChecksum computes per pair, so that checksums agree across the two systems.
 */
public final class Crc64 {
    private static final long POLY = 0xC96C5795D7870F42L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private long crc = ~0L;

    public Crc64 update(byte[] bytes) {
        long c = crc;
        for (byte b : bytes) {
            c = TABLE[(int) ((c ^ b) & 0xFF)] ^ (c >>> 8);
        }
        crc = c;
        return this;
    }

    public long value() {
        return ~crc;
    }
}
