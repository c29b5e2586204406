/** Internal: in-memory repository state, ref resolution, the commit log walk and lakeFS's error kinds. */
package io.lakemirror.testserver.model;
