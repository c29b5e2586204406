package io.lakemirror.graveler.sstable;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Shows bytes to people: as text when they are valid UTF-8 without control characters, otherwise as
 * {@code hex:<digits>} (so a corrupt property cannot pass for a key).
 */
public final class Printable {
    private Printable() {
    }

    public static String bytes(byte[] value) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
            if (text.codePoints().noneMatch(Character::isISOControl)) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // not text: fall through to hex
        }
        return "hex:" + HexFormat.of().formatHex(value);
    }
}
