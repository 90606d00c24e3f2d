/** {@code kvasir playground}: PD and stores on loopback as child processes, for trying Kvasir out and for tests. */
package io.kvasir.kernel.playground;
