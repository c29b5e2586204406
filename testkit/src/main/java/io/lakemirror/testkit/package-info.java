/**
 * A multi-region world on one machine for tests and the local sandbox: DynamoDB with Streams
 * ({@link io.lakemirror.testkit.Dynoxide}, a child process), SQS ({@link io.lakemirror.testkit.ElasticMq},
 * embedded), S3 ({@link io.lakemirror.testkit.S3Mock}, embedded), a bucket-replication simulator
 * ({@link io.lakemirror.testkit.BucketReplicator}) and the assembled {@link io.lakemirror.testkit.World}.
 *
 * <p>Everything binds to 127.0.0.1 on free ports and is {@link java.lang.AutoCloseable}; close is
 * bounded. {@link io.lakemirror.testkit.ProcessHygiene} lets a test assert that no child process it
 * started outlives it.
 */
package io.lakemirror.testkit;
