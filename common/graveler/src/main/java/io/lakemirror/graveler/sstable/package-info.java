/**
 * The SSTable container lakeFS stores graveler files in: RocksDB's block-based table, format
 * version 2, as the pebble version lakeFS uses writes it (CRC32C block checksums, Snappy blocks,
 * prefix-compressed entries with restart points, single- or two-level index, properties block).
 * Nothing here knows about graveler values; {@link io.lakemirror.graveler.sstable.SstableReader}
 * also reads plain RocksDB tables, skipping filter and range-deletion blocks.
 */
package io.lakemirror.graveler.sstable;
