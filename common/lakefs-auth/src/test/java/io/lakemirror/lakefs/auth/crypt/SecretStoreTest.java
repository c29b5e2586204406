package io.lakemirror.lakefs.auth.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretStoreTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 7914 §12 (the last vector, N=1048576, is left out: it needs 1 GiB). */
    @ParameterizedTest(name = "scrypt(\"{0}\", \"{1}\", N={2}, r={3}, p={4})")
    @CsvSource({
        "'', '', 16, 1, 1, 77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
        "password, NaCl, 1024, 8, 16, fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
        "pleaseletmein, SodiumChloride, 16384, 8, 1, 7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
    })
    void scrypt_shouldMatchTheRfc7914Vectors(String password, String salt, int n, int r, int p, String expected) {
        assertThat(HEX.formatHex(SecretStore.scrypt(password.getBytes(StandardCharsets.UTF_8),
                salt.getBytes(StandardCharsets.UTF_8), n, r, p, 64))).isEqualTo(expected);
    }

    // NaCl's secretbox test vector (tests/secretbox.c in NaCl, also in libsodium and Go's x/crypto).
    private static final byte[] KEY = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] MESSAGE = HEX.parseHex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1"
            + "318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    private static final byte[] BOX = HEX.parseHex("f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
            + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a"
            + "7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f"
            + "654cb45a74e355a5");

    @Test
    void seal_shouldMatchNaClsSecretboxVector() {
        assertThat(HEX.formatHex(SecretStore.seal(MESSAGE, NONCE, KEY))).isEqualTo(HEX.formatHex(BOX));
    }

    @Test
    void open_shouldRecoverNaClsSecretboxVector() {
        assertThat(SecretStore.open(BOX, NONCE, KEY)).isEqualTo(MESSAGE);
    }

    @Test
    void open_shouldRefuse_whenOneBitOfTheBoxChanged() {
        byte[] tampered = BOX.clone();
        tampered[40] ^= 1;
        assertThatThrownBy(() -> SecretStore.open(tampered, NONCE, KEY)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("auth.encrypt.secret_key");
    }

    @Property(tries = 30)
    void decrypt_shouldInvertEncrypt(@ForAll @Size(max = 200) byte[] plain) {
        SecretStore store = new SecretStore(new Secret("lakeFS-secret"));
        byte[] stored = store.encrypt(plain);
        assertThat(stored).hasSize(SecretStore.SALT_BYTES + SecretStore.NONCE_BYTES + SecretStore.TAG_BYTES + plain.length);
        assertThat(store.decrypt(stored)).isEqualTo(plain);
    }

    @Test
    void decrypt_shouldRefuse_whenTheSecretKeyDiffers() {
        byte[] stored = new SecretStore(new Secret("lakeFS-secret")).encrypt("AKIA-secret".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new SecretStore(new Secret("another-secret")).decrypt(stored))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("differs from lakeFS's");
    }
}
