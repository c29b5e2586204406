/**
 * Who an API caller is and what lakeFS lets them do, as ports: {@link io.lakemirror.auth.CallerDirectory}
 * (authenticate an access key pair, read a user's grants), with one adapter per {@link io.lakemirror.auth.AuthMode}
 * (lakeFS's external auth service, lakeFS's own database read through {@link io.lakemirror.auth.LakeFsKv}, or
 * lakeFS's REST API), and {@link io.lakemirror.auth.AuthFlavour}, how the lakeFS installation authorizes
 * (docs/architecture.md §7, docs/design/lakefs-facts.md §5). Policies are evaluated by
 * {@code io.lakemirror.lakefs.policy.PolicyEvaluator}.
 */
package io.lakemirror.auth;
