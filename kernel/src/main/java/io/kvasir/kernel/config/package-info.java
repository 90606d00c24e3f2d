/**
 * Loading and checking the node's configuration (typesafe-config): the precedence of its layers, the
 * kernel's own keys, unknown-key warnings. Pure functions of their inputs: nothing here reads system
 * properties or starts anything.
 */
package io.kvasir.kernel.config;
