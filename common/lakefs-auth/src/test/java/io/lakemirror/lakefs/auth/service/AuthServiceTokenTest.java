package io.lakemirror.lakefs.auth.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.lakemirror.config.Secret;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthServiceTokenTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void sign_shouldCarryLakeFsClaims_signedWithTheEncryptSecretKey() throws Exception {
        Secret secret = new Secret("a-long-enough-lakefs-encrypt-secret-key");

        SignedJWT jwt = SignedJWT.parse(AuthServiceToken.sign(secret, CLOCK));

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.verify(new MACVerifier(secret.reveal().getBytes()))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("_lakefs-internal");
        assertThat(claims.getAudience()).containsExactly("auth-client");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(CLOCK.instant());
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2036-03-01T10:00:00Z"));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaims().keySet()).containsExactlyInAnyOrder("jti", "aud", "sub", "iat", "exp");
    }

    @Test
    void sign_shouldGiveEveryTokenItsOwnId() throws Exception {
        Secret secret = new Secret("a-long-enough-lakefs-encrypt-secret-key");
        assertThat(SignedJWT.parse(AuthServiceToken.sign(secret, CLOCK)).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(AuthServiceToken.sign(secret, CLOCK)).getJWTClaimsSet().getJWTID());
    }

    /** lakeFS signs with the secret's bytes whatever their length; HMAC pads a short key with zero bytes. */
    @Test
    void sign_shouldVerifyWithTheRawSecret_whenTheSecretIsShort() throws Exception {
        Secret secret = new Secret("short");
        SignedJWT jwt = SignedJWT.parse(AuthServiceToken.sign(secret, CLOCK));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("short".getBytes(), "HmacSHA256"));
        byte[] expected = mac.doFinal(jwt.getSigningInput());
        assertThat(Base64.getUrlDecoder().decode(jwt.getSignature().toString())).isEqualTo(expected);
        assertThat(Map.of("aud", List.of("auth-client"))).containsEntry("aud", jwt.getJWTClaimsSet().getAudience());
    }
}
