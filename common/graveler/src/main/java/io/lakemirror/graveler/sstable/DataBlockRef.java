package io.lakemirror.graveler.sstable;

/** A data block named for error messages. */
record DataBlockRef(BlockHandle handle, String what) {
}
