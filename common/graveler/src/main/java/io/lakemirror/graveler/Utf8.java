package io.lakemirror.graveler;

import io.lakemirror.domain.CorruptDataException;
import io.lakemirror.domain.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Strict conversions between graveler keys and Java strings: a lossy replacement character would
 * change a key, and with it every ID computed from it. ASCII, the common case, takes a fast path.
 */
final class Utf8 {
    private Utf8() {
    }

    static String decode(byte[] bytes, String what) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
                } catch (CharacterCodingException e) {
                    throw new CorruptDataException(what + " is not valid UTF-8");
                }
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] encode(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                try {
                    ByteBuffer out = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
                    byte[] bytes = new byte[out.remaining()];
                    out.get(bytes);
                    return bytes;
                } catch (CharacterCodingException e) {
                    throw new InvalidInputException(what + " holds an unpaired surrogate and has no UTF-8 form");
                }
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
