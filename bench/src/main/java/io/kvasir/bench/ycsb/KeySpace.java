package io.kvasir.bench.ycsb;

import java.nio.charset.StandardCharsets;

/**
 * The driver's keys: {@code "user"} followed by the record number in 12 zero-padded decimal digits,
 * 16 ASCII bytes in all ({@code user000000000042} is record 42). Fixed width makes byte order equal
 * numeric order, so a scan from record {@code n} meets {@code n+1, n+2, ...} and the loaded records
 * form one contiguous range. YCSB's own keys are {@code "user"} + a hash of the number and vary in
 * length; numbering keeps scans meaningful without its hashing, and the zipfian generator scrambles
 * instead ({@link ScrambledZipfianGenerator}).
 */
public final class KeySpace {

    public static final int KEY_LENGTH = 16;
    private static final byte[] PREFIX = "user".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = KEY_LENGTH - 4;
    /** Record numbers are below 10^12, the largest that fits the 12 digits. */
    static final long MAX_RECORDS = 1_000_000_000_000L;

    private KeySpace() {
    }

    /** The key of record {@code number}, {@code 0 <= number < MAX_RECORDS}. */
    public static byte[] key(long number) {
        if (number < 0 || number >= MAX_RECORDS) {
            throw new IllegalArgumentException("record number " + number + " is outside [0, " + MAX_RECORDS + ")");
        }
        byte[] key = new byte[KEY_LENGTH];
        System.arraycopy(PREFIX, 0, key, 0, PREFIX.length);
        long rest = number;
        for (int i = KEY_LENGTH - 1; i >= PREFIX.length; i--) {
            key[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return key;
    }

    /** The record number of a key made by {@link #key}. */
    static long number(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("key of " + key.length + " bytes, expected " + KEY_LENGTH);
        }
        for (int i = 0; i < PREFIX.length; i++) {
            if (key[i] != PREFIX[i]) {
                throw new IllegalArgumentException("key " + describe(key) + " lacks the prefix \"user\"");
            }
        }
        long number = 0;
        for (int i = PREFIX.length; i < PREFIX.length + DIGITS; i++) {
            int digit = key[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException("key " + describe(key) + " has a non-digit at " + i);
            }
            number = number * 10 + digit;
        }
        return number;
    }

    public static String describe(byte[] key) {
        return new String(key, StandardCharsets.US_ASCII);
    }
}
