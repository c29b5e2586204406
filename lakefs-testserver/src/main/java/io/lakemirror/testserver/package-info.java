/**
 * A lakeFS API server for tests and the sandbox. The API is {@link io.lakemirror.testserver.LakeFsTestServer}
 * and {@link io.lakemirror.testserver.Faults}; the sub-packages are its internals: {@code http} (Vert.x
 * routes, lakeFS JSON shapes, the one error-to-status mapping), {@code service} (operations, as lakeFS's
 * catalog), {@code model} (refs, commits, the log walk, ref expressions), {@code storage} (the S3 bucket
 * and graveler trees) and {@code auth} (users, keys, groups, policies).
 */
package io.lakemirror.testserver;
