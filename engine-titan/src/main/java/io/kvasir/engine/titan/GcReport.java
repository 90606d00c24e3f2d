package io.kvasir.engine.titan;

/**
 * What one round of blob GC did.
 *
 * @param filesSampled    sealed files whose garbage was estimated
 * @param filesRewritten  files whose live records were moved, then marked obsolete
 * @param recordsMoved    records copied to new files whose indexes were switched
 * @param recordsDropped  garbage records left behind
 * @param recordsRaced    records copied whose key was overwritten before the switch (the copy is garbage)
 * @param bytesDeleted    bytes of obsolete files deleted (now or from earlier rounds, once no reader needed them)
 */
public record GcReport(int filesSampled, int filesRewritten, long recordsMoved, long recordsDropped, long recordsRaced,
                       long bytesDeleted) {
}
