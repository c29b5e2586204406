/**
 * Internal: the {@code /api/v1} routes. Handlers parse and validate the request, authorize it, run
 * what may block on the worker pool, and write lakeFS's JSON; every failure goes through
 * {@code ErrorHandler}.
 */
package io.lakemirror.testserver.http;
