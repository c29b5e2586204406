package io.lakemirror.lakefs.policy;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardTest {

    @ParameterizedTest(name = "\"{0}\" ~ \"{1}\" = {2}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
        "*              | anything                    | true",
        "*              | ''                          | true",
        "fs:*           | fs:ReadRepository           | true",
        "fs:Read*       | fs:ReadRepository           | true",
        "fs:Read*       | fs:WriteObject              | false",
        "fs:List*       | fs:ListRepositories         | true",
        "repository/*   | repository/a/branch/main    | true",
        "*/branch/main  | repository/a/branch/main    | true",
        "a?c            | abc                         | true",
        "a?c            | ac                          | false",
        "a?c            | a/c                         | true",
        "a*b*c          | aXXbYYc                     | true",
        "a*b*c          | aXXcYYb                     | false",
        "ab             | abc                         | false",
        "abc            | ab                          | false",
        "**             | x                           | true",
        "*a             | bba                         | true",
        "*a             | bab                         | false",
        "?              | é                           | true",
        "repository/x   | repository/X                | false",
        "[ab]           | a                           | false",
    })
    void matches_shouldFollowLakeFsWildcards(String pattern, String value, boolean expected) {
        assertThat(Wildcard.matches(pattern, value)).isEqualTo(expected);
    }

    @Property
    void matches_shouldAcceptTheValueItself_whenPatternHasNoWildcards(
            @ForAll @CharRange(from = 'a', to = 'z') String value) {
        assertThat(Wildcard.matches(value, value)).isTrue();
    }

    @Property
    void matches_shouldAcceptAnySuffix_whenPatternEndsWithStar(
            @ForAll @CharRange(from = '!', to = '~') String prefix, @ForAll String suffix) {
        String literal = prefix.replace("*", "").replace("?", "");
        assertThat(Wildcard.matches(literal + "*", literal + suffix)).isTrue();
    }

    @Property
    void matches_shouldAcceptExactlyOneCharacterPerQuestionMark(@ForAll @CharRange(from = 'a', to = 'z') String value) {
        String pattern = "?".repeat(value.length());
        assertThat(Wildcard.matches(pattern, value)).isTrue();
        assertThat(Wildcard.matches(pattern + "?", value)).isFalse();
    }
}
