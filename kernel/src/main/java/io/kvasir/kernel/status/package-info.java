/** The status HTTP server: read-only JSON views of the node for operators and the CLI. */
package io.kvasir.kernel.status;
