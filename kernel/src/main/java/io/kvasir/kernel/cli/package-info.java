/**
 * The commands of {@code bin/kvasir}. Each command returns an exit status; only {@code Main} exits.
 */
package io.kvasir.kernel.cli;
