/**
 * The integrity audit of a live mirror (docs/architecture.md §8, docs/operations.md "Auditing a mirror"): it
 * reads the source lakeFS, the mirror lakeFS and the mirror's bucket through the core's ports
 * ({@link io.lakemirror.lakefs.LakeFs}, {@link io.lakemirror.blockstore.BlockStore}, read-only
 * {@link io.lakemirror.store.MirrorsReader}) and the graveler codec, and reports every breach of I1, I2, I5 and
 * I6 it finds, per branch and tag, naming the invariant and the object. It never writes anything.
 *
 * <p>{@code bin/replication audit} (launcher) and {@code POST .../mirrors/{id}/audit} (api) run it.
 */
package io.lakemirror.audit;
