package io.lakemirror.lakefs.auth.crypt;

import io.lakemirror.config.Secret;
import io.lakemirror.domain.CorruptDataException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * lakeFS's encryption of stored secrets (docs/design/lakefs-facts.md §5.2): a 32-byte key derived from
 * {@code auth.encrypt.secret_key} with scrypt (N=512, r=8, p=1) and a random 8-byte salt, then NaCl's
 * secretbox (XSalsa20-Poly1305) with a random 24-byte nonce. Stored as salt ‖ nonce ‖ box, where the box is
 * the 16-byte Poly1305 tag followed by the ciphertext. Thread-safe.
 */
public final class SecretStore {
    public static final int SALT_BYTES = 8;
    public static final int NONCE_BYTES = 24;
    public static final int TAG_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final int SCRYPT_N = 512;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;

    private final byte[] secret;
    private final SecureRandom random = new SecureRandom();

    /** @param encryptSecretKey lakeFS's {@code auth.encrypt.secret_key} */
    public SecretStore(Secret encryptSecretKey) {
        this.secret = encryptSecretKey.reveal().getBytes(StandardCharsets.UTF_8);
    }

    /** The key lakeFS derives from its secret and a salt. */
    public static byte[] deriveKey(byte[] secret, byte[] salt) {
        return scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES);
    }

    /** scrypt (RFC 7914) with any cost parameters, for the published test vectors. */
    static byte[] scrypt(byte[] password, byte[] salt, int n, int r, int p, int length) {
        return SCrypt.generate(password, salt, n, r, p, length);
    }

    /**
     * @throws CorruptDataException when the value is too short or its tag does not verify (a different
     *                              {@code auth.encrypt.secret_key}, or damaged data)
     */
    public byte[] decrypt(byte[] stored) {
        if (stored.length < SALT_BYTES + NONCE_BYTES + TAG_BYTES) {
            throw new CorruptDataException("an encrypted lakeFS secret of " + stored.length + " bytes is shorter than"
                    + " salt, nonce and tag (" + (SALT_BYTES + NONCE_BYTES + TAG_BYTES) + " bytes); it cannot be read");
        }
        byte[] salt = Arrays.copyOfRange(stored, 0, SALT_BYTES);
        byte[] nonce = Arrays.copyOfRange(stored, SALT_BYTES, SALT_BYTES + NONCE_BYTES);
        byte[] box = Arrays.copyOfRange(stored, SALT_BYTES + NONCE_BYTES, stored.length);
        return open(box, nonce, deriveKey(secret, salt));
    }

    /** Encrypts as lakeFS does, with a fresh salt and nonce. */
    public byte[] encrypt(byte[] plain) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] box = seal(plain, nonce, deriveKey(secret, salt));
        byte[] out = new byte[SALT_BYTES + NONCE_BYTES + box.length];
        System.arraycopy(salt, 0, out, 0, SALT_BYTES);
        System.arraycopy(nonce, 0, out, SALT_BYTES, NONCE_BYTES);
        System.arraycopy(box, 0, out, SALT_BYTES + NONCE_BYTES, box.length);
        return out;
    }

    /** NaCl {@code crypto_secretbox}: tag ‖ ciphertext. */
    public static byte[] seal(byte[] plain, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = stream(nonce, key);
        byte[] macKey = keystream(stream);
        byte[] cipher = new byte[plain.length];
        stream.processBytes(plain, 0, plain.length, cipher, 0);
        byte[] tag = mac(macKey, cipher);
        byte[] out = new byte[TAG_BYTES + cipher.length];
        System.arraycopy(tag, 0, out, 0, TAG_BYTES);
        System.arraycopy(cipher, 0, out, TAG_BYTES, cipher.length);
        return out;
    }

    /**
     * NaCl {@code crypto_secretbox_open}.
     *
     * @throws CorruptDataException when the tag does not verify
     */
    public static byte[] open(byte[] box, byte[] nonce, byte[] key) {
        if (box.length < TAG_BYTES) {
            throw new CorruptDataException("a secretbox of " + box.length + " bytes has no room for its tag");
        }
        XSalsa20Engine stream = stream(nonce, key);
        byte[] macKey = keystream(stream);
        byte[] cipher = Arrays.copyOfRange(box, TAG_BYTES, box.length);
        if (!MessageDigest.isEqual(mac(macKey, cipher), Arrays.copyOfRange(box, 0, TAG_BYTES))) {
            throw new CorruptDataException("a lakeFS secret does not decrypt: its authentication tag does not match,"
                    + " so auth.encrypt.secret_key differs from lakeFS's or the value is damaged");
        }
        byte[] plain = new byte[cipher.length];
        stream.processBytes(cipher, 0, cipher.length, plain, 0);
        return plain;
    }

    private static XSalsa20Engine stream(byte[] nonce, byte[] key) {
        if (nonce.length != NONCE_BYTES || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("secretbox needs a 24-byte nonce and a 32-byte key");
        }
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    /** The first 32 bytes of the keystream: the one-time Poly1305 key. */
    private static byte[] keystream(XSalsa20Engine stream) {
        byte[] macKey = new byte[KEY_BYTES];
        stream.processBytes(new byte[KEY_BYTES], 0, KEY_BYTES, macKey, 0);
        return macKey;
    }

    private static byte[] mac(byte[] macKey, byte[] data) {
        Poly1305 poly = new Poly1305();
        poly.init(new KeyParameter(macKey));
        poly.update(data, 0, data.length);
        byte[] tag = new byte[TAG_BYTES];
        poly.doFinal(tag, 0);
        return tag;
    }
}
