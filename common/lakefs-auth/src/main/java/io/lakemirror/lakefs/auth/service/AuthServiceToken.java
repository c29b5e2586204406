package io.lakemirror.lakefs.auth.service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lakemirror.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The bearer token lakeFS's auth client presents to the external auth service (docs/design/lakefs-facts.md
 * §5.1): an HS256 JWT signed with {@code auth.encrypt.secret_key}, with a random ID ({@code jti}), audience
 * {@value #AUDIENCE}, subject {@value #SUBJECT}, issued now and expiring ten years later.
 */
public final class AuthServiceToken {
    /** lakeFS's audience for the auth service. */
    public static final String AUDIENCE = "auth-client";
    /** lakeFS's subject for its own calls. */
    public static final String SUBJECT = "_lakefs-internal";
    private static final int VALID_YEARS = 10;

    private AuthServiceToken() {
    }

    /** A new token, signed with {@code secret}. */
    public static String sign(Secret secret, Clock clock) {
        Instant now = clock.instant();
        Instant expires = now.atZone(ZoneOffset.UTC).plusYears(VALID_YEARS).toInstant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .jwtID(UUID.randomUUID().toString())
                .audience(List.of(AUDIENCE))
                .subject(SUBJECT)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key(secret)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the auth service token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * HS256 needs a key of at least 256 bits; lakeFS signs with the secret's bytes whatever their length, so a
     * shorter secret is padded with zero bytes, which HMAC does itself for keys shorter than its block.
     */
    static byte[] key(Secret secret) {
        byte[] raw = secret.reveal().getBytes(StandardCharsets.UTF_8);
        if (raw.length >= 32) {
            return raw;
        }
        byte[] padded = new byte[32];
        System.arraycopy(raw, 0, padded, 0, raw.length);
        return padded;
    }
}
