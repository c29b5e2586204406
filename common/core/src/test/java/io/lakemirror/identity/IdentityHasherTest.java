package io.lakemirror.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact bytes of lakeFS's identity encoding (docs/design/lakefs-facts.md §2.6), captured before hashing. */
class IdentityHasherTest {

    @Test
    void int64_shouldBeTypeTwoLengthEightBigEndian() {
        assertThat(captured(h -> h.int64(-2))).isEqualTo("0208fffffffffffffffe");
    }

    @Test
    void string_shouldBeTypeOneThenInt64LengthThenUtf8() {
        assertThat(captured(h -> h.string("é"))).isEqualTo("01" + "02080000000000000002" + "c3a9");
    }

    @Test
    void stringSlice_shouldBeTypeThreeThenCountThenStrings() {
        assertThat(captured(h -> h.stringSlice(List.of("a"))))
                .isEqualTo("03" + "02080000000000000001" + "01" + "02080000000000000001" + "61");
    }

    @Test
    void identifiable_shouldBeTypeFiveThenTheIdentityAsBytes() {
        assertThat(captured(h -> h.identifiable(new byte[] {(byte) 0xab})))
                .isEqualTo("05" + "00" + "02080000000000000001" + "ab");
    }

    @Test
    void stringMap_shouldOrderKeysByUtf8Bytes_whereUtf16OrderDiffers() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("\uD83D\uDE00", "2"); // U+1F600, UTF-8 f09f9880: sorts first in UTF-16 units, last in bytes
        map.put("\uFF21", "1");       // U+FF21, UTF-8 efbca1

        String encoded = captured(h -> h.stringMap(map));

        assertThat(encoded).isEqualTo("04" + "02080000000000000002"
                + "01" + "02080000000000000003" + "efbca1" + "01" + "02080000000000000001" + "31"
                + "01" + "02080000000000000004" + "f09f9880" + "01" + "02080000000000000001" + "32");
    }

    private interface Feed {
        void accept(IdentityHasher hasher);
    }

    private static String captured(Feed feed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MessageDigest recorder = new MessageDigest("recorder") {
            @Override
            protected void engineUpdate(byte input) {
                bytes.write(input);
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                bytes.write(input, offset, len);
            }

            @Override
            protected byte[] engineDigest() {
                return bytes.toByteArray();
            }

            @Override
            protected void engineReset() {
                bytes.reset();
            }
        };
        feed.accept(new IdentityHasher(recorder));
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}
