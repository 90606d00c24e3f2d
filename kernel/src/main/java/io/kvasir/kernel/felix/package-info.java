/**
 * The embedded Felix framework: class-path exports, bundle install/start/stop order, engine selection,
 * bundle reference.conf files, failure messages. The only package that handles {@code Bundle} objects.
 */
package io.kvasir.kernel.felix;
