package io.lakemirror.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;
import io.lakemirror.domain.OrganizationId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TableKeysTest {
    private static final OrganizationId ORG = OrganizationId.of("acme.eu_1");

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("ORG#acme.eu_1#MIRRORS", "m-1#SPEC",
                        Optional.of(new TableKeys.MirrorItemKey(ORG, MirrorId.of("m-1"), "SPEC"))),
                Arguments.of("ORG#acme.eu_1#MIRRORS", "m-1#STATUS",
                        Optional.of(new TableKeys.MirrorItemKey(ORG, MirrorId.of("m-1"), "STATUS"))),
                Arguments.of("ORG#acme.eu_1#MIRRORS", "m-1#SOURCE",
                        Optional.of(new TableKeys.MirrorItemKey(ORG, MirrorId.of("m-1"), "SOURCE"))),
                Arguments.of("ORG#acme.eu_1#MIRROR#m-1", "BRANCH#feature-x_2",
                        Optional.of(new TableKeys.BranchItemKey(ORG, MirrorId.of("m-1"), BranchId.of("feature-x_2")))),
                Arguments.of("ORG#acme.eu_1#MIRROR#m-1", "SENSOR#main", Optional.of(new TableKeys.OtherItemKey(ORG))),
                Arguments.of("ORG#acme.eu_1#NAME#eu-west-1#repo", "CLAIM", Optional.of(new TableKeys.OtherItemKey(ORG))),
                Arguments.of("ORG#acme.eu_1#REFS#m-1", "COMMIT#abc", Optional.of(new TableKeys.OtherItemKey(ORG))),
                Arguments.of("leaseKey", "x", Optional.empty()),
                Arguments.of("ORG#bad org#MIRRORS", "m1#SPEC", Optional.empty()));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("keys")
    void parse_shouldNameTheItem(String pk, String sk, Optional<TableKeys.ItemKey> expected) {
        assertThat(TableKeys.parse(pk, sk)).isEqualTo(expected);
    }

    /** The listing cursor relies on it: every item of one mirror sorts before every item of any greater mirror. */
    @Property
    void afterMirror_shouldSortBetweenAMirrorsItemsAndEveryGreaterMirror(@ForAll("mirrorIds") MirrorId x,
                                                                          @ForAll("mirrorIds") MirrorId y) {
        String after = TableKeys.afterMirror(x.value());
        assertThat(List.of(TableKeys.specSk(x), TableKeys.statusSk(x), TableKeys.sourceSk(x)))
                .allMatch(sk -> sk.compareTo(after) < 0);
        if (y.compareTo(x) > 0) {
            assertThat(List.of(TableKeys.specSk(y), TableKeys.statusSk(y), TableKeys.sourceSk(y)))
                    .allMatch(sk -> sk.compareTo(after) > 0);
        }
    }

    @Provide
    Arbitrary<MirrorId> mirrorIds() {
        Arbitrary<Character> first = Arbitraries.chars().with("abcz0189".toCharArray());
        Arbitrary<String> rest = Arbitraries.strings().withChars("abcz0189-".toCharArray()).ofMaxLength(8);
        return Combinators.combine(first, rest).as((f, r) -> MirrorId.of(f + r));
    }
}
