package io.lakemirror.lakefs.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArnTest {

    @ParameterizedTest(name = "{0} covers {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "*                                          | arn:lakefs:fs:::repository/x                 | true",
        "*                                          | *                                            | true",
        "arn:lakefs:fs:::repository/x               | arn:lakefs:fs:::repository/x                 | true",
        "arn:lakefs:fs:::repository/x               | arn:lakefs:fs:::repository/xy                | false",
        "arn:lakefs:fs:::repository/*               | arn:lakefs:fs:::repository/x/branch/main     | true",
        "arn:lakefs:fs:::repository/x/branch/*      | arn:lakefs:fs:::repository/x/branch/dev      | true",
        "arn:lakefs:fs:::repository/x/branch/*      | arn:lakefs:fs:::repository/y/branch/dev      | false",
        "arn:lakefs:fs:::repository/repo-?          | arn:lakefs:fs:::repository/repo-1            | true",
        "arn:lakefs:fs:us-east-1::repository/x      | arn:lakefs:fs:::repository/x                 | true",
        "arn:lakefs:auth:::repository/x             | arn:lakefs:fs:::repository/x                 | false",
        "arn:lakefs:fs::123:repository/x            | arn:lakefs:fs:::repository/x                 | false",
        "arn:aws:fs:::repository/x                  | arn:lakefs:fs:::repository/x                 | false",
        "arn:lakefs:fs:::namespace/s3://b/*         | arn:lakefs:fs:::namespace/s3://b/mirrors/m1  | true",
        "arn:lakefs:fs:::repository/*               | *                                            | false",
        "repository/x                               | arn:lakefs:fs:::repository/x                 | false",
        "arn:lakefs:fs:::*                          | arn:lakefs:fs:::repository/x                 | true",
    })
    void matches_shouldCompareArnPartsAndWildcardTheResource(String pattern, String resource, boolean expected) {
        assertThat(Arn.matches(pattern, resource)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"arn:lakefs:fs:::repository/x", "arn:lakefs:auth:::user/alice", "arn:lakefs:fs:::namespace/s3://b/p"})
    void parse_shouldRoundTrip_whenValueIsAnArn(String arn) {
        assertThat(Arn.parse(arn)).hasValueSatisfying(a -> assertThat(a).hasToString(arn));
    }

    @ParameterizedTest
    @CsvSource({"*", "repository/x", "arn:lakefs:fs", "urn:lakefs:fs:::repository/x"})
    void parse_shouldBeEmpty_whenValueIsNoArn(String value) {
        assertThat(Arn.parse(value)).isEmpty();
    }
}
