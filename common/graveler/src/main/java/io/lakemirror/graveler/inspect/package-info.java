/**
 * What {@code bin/replication graveler …} prints: summaries of SSTables with warnings about
 * inconsistencies, records as JSON lines, and commit records parsed from JSON.
 */
package io.lakemirror.graveler.inspect;
