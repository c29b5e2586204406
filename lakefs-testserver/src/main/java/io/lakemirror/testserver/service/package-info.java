/** Internal: repository, branch, tag, commit and object operations with lakeFS's rules; blocking, thread-safe. */
package io.lakemirror.testserver.service;
