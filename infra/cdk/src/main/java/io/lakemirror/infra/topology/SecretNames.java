package io.lakemirror.infra.topology;

import java.util.Objects;

/**
 * Names (or ARNs) of the Secrets Manager secrets each region reads; the deployment references them and
 * never creates them, because their values belong to the lakeFS installations.
 *
 * @param lakefsSecretAccessKey secret key of the replication user ({@code lakefs.secret_access_key})
 * @param authEncryptSecretKey  lakeFS's {@code auth.encrypt.secret_key}
 */
public record SecretNames(String lakefsSecretAccessKey, String authEncryptSecretKey) {
    public static final String DEFAULT_LAKEFS_SECRET_ACCESS_KEY = "lakemirror/lakefs-secret-access-key";
    public static final String DEFAULT_AUTH_ENCRYPT_SECRET_KEY = "lakemirror/auth-encrypt-secret-key";

    public SecretNames {
        Objects.requireNonNull(lakefsSecretAccessKey, "lakefsSecretAccessKey");
        Objects.requireNonNull(authEncryptSecretKey, "authEncryptSecretKey");
    }

    public static SecretNames defaults() {
        return new SecretNames(DEFAULT_LAKEFS_SECRET_ACCESS_KEY, DEFAULT_AUTH_ENCRYPT_SECRET_KEY);
    }
}
