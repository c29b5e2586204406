/**
 * lakeFS's graveler metadata files, read and written in Java: ranges (object paths with catalog
 * entries), metaranges (the ranges of a commit), and the IDs lakeFS derives from them and from
 * commits.
 *
 * <p>Entry points: {@link io.lakemirror.graveler.GravelerReader} and
 * {@link io.lakemirror.graveler.GravelerFile} to read from any {@link io.lakemirror.blockstore.ByteSource},
 * {@link io.lakemirror.graveler.GravelerWriter} to produce files lakeFS opens, and
 * {@link io.lakemirror.identity.CommitIds} for commit IDs. The format facts (value encoding,
 * identity hashing, range splitting) are those of {@code docs/design/lakefs-facts.md} §2; the
 * SSTable container lives in {@link io.lakemirror.graveler.sstable}.
 */
package io.lakemirror.graveler;
