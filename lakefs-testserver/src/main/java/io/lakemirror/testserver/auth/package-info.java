/** Internal: HTTP Basic authentication with access keys, and authorization by lakeFS policies. */
package io.lakemirror.testserver.auth;
