/**
 * Adapters of the {@link io.lakemirror.auth.CallerDirectory} port that read lakeFS's own auth data:
 * {@code service} (the external auth service contract, {@code api/authorization.yml}, called with the JWT lakeFS
 * signs with {@code auth.encrypt.secret_key}) and {@code kv} (lakeFS's KV records through the
 * {@link io.lakemirror.auth.LakeFsKv} port), with {@code crypt}, lakeFS's encryption of stored secrets.
 * The layouts are in docs/design/lakefs-facts.md §5.
 */
package io.lakemirror.lakefs.auth;
