/**
 * Fault injection for tests, between the replication service's processes and the world's servers:
 * {@link io.lakemirror.testkit.faults.HttpFaultProxy} (errors, delays and hangs of any HTTP API, e.g.
 * S3's 503 SlowDown), {@link io.lakemirror.testkit.faults.SqsFaultProxy} (duplicate deliveries and
 * lost receives of the SQS JSON protocol) and {@link io.lakemirror.testkit.faults.SwitchableDelays}
 * (bucket replication lag that changes shape at run time). See docs/testing.md.
 */
package io.lakemirror.testkit.faults;
