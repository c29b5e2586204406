package io.lakemirror.validator;

import static io.lakemirror.validator.ValidatorFixture.received;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.domain.CommitRecord;
import io.lakemirror.graveler.Entry;
import io.lakemirror.graveler.GravelerWriter.WrittenMetaRange;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictModeTest {
    private final ValidatorFixture f = new ValidatorFixture();
    private final Validator validator = f.validator(ValidatorFixture.options().withStrict(true));

    @AfterEach
    void close() {
        validator.close();
    }

    private CommitRecord head(WrittenMetaRange mr) {
        TestMetaRanges.upload(f.blocks, f.ns, mr, id -> false);
        CommitRecord head = f.commit(mr.id());
        f.sensed(1, Optional.of(head.id()));
        return head;
    }

    private void putObject(String relative) {
        f.blocks.put(f.ns.bucket(), f.ns.key(relative), new byte[] {1});
    }

    @Test
    void handle_shouldWaitNamingTheObject_whenADataObjectIsMissing() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        putObject("data/0/v1");
        CommitRecord head = head(mr);

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 1));

        assertThat(outcome).isInstanceOf(Outcome.RetryLater.class);
        assertThat(f.branch().waiting().orElseThrow().missing()).containsExactly(f.ns.key("data/1/v1"));
        // The range whose object is missing is not cached, so the next check looks at its objects again.
        assertThat(f.refstore.knownPresent(f.ns, TestMetaRanges.rangeIds(mr).stream().map(r -> r.value()).toList()))
                .containsExactly(mr.ranges().get(0).id().value());
    }

    @Test
    void handle_shouldValidate_whenMissingObjectArrives() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        putObject("data/0/v1");
        CommitRecord head = head(mr);
        validator.handle(received(f.headMessage(1, head), 1));
        putObject("data/1/v1");
        f.blocks.clearRequests();

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 2));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
        assertThat(f.blocks.requests()).containsExactly(
                "HEAD " + f.ns.bucket() + "/" + f.ns.metadataKey(mr.id()),
                "GET " + f.ns.bucket() + "/" + f.ns.metadataKey(mr.id()),
                "HEAD " + f.ns.bucket() + "/" + f.ns.metadataKey(mr.ranges().get(1).id()),
                "GET " + f.ns.bucket() + "/" + f.ns.metadataKey(mr.ranges().get(1).id()),
                "HEAD " + f.ns.bucket() + "/" + f.ns.key("data/1/v1"));
    }

    @Test
    void handle_shouldValidateWithWarning_whenObjectsHaveFullAddressesOutsideTheNamespace() {
        WrittenMetaRange mr = TestMetaRanges.writeWithEntries(List.of(
                TestMetaRanges.entry("data/0/a", Entry.AddressType.RELATIVE),
                TestMetaRanges.entry("s3://imports-bucket/raw/b.parquet", Entry.AddressType.FULL)));
        putObject("data/0/a");
        CommitRecord head = head(mr);

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 1));

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(f.branch().validatedSequence()).isEqualTo(1);
        assertThat(f.branch().validatorError().orElseThrow().message())
                .contains("FULL addresses").contains("s3://imports-bucket/raw/b.parquet").contains("not checked");
        assertThat(f.counter("objects.full.address")).isEqualTo(1);
        assertThat(f.blocks.requests()).noneMatch(r -> r.contains("imports-bucket"));
    }

    @Test
    void handle_shouldRetryOnErrorLadderNamingTheRange_whenARangeIsCorrupt() {
        WrittenMetaRange mr = TestMetaRanges.write(2, j -> "v1");
        CommitRecord head = head(mr);
        byte[] bad = mr.ranges().get(1).bytes().clone();
        bad[5] ^= 0x10;
        String rangeKey = f.ns.metadataKey(mr.ranges().get(1).id());
        f.blocks.put(f.ns.bucket(), rangeKey, bad);

        Outcome outcome = validator.handle(received(f.headMessage(1, head), 1));

        assertThat(outcome).isEqualTo(new Outcome.RetryLater(Duration.ofSeconds(1), outcome.reason()));
        assertThat(outcome.reason()).contains("range").contains(rangeKey).contains("corrupt");
        assertThat(f.branch().validatorError().orElseThrow().message()).contains(rangeKey);
        assertThat(f.branch().waiting()).isEmpty();
    }

    @ParameterizedTest(name = "{1} {0} → {2}")
    @CsvSource({
            "data/x/1, RELATIVE, repos/source-repo/data/x/1",
            "/data/x/1, RELATIVE, repos/source-repo/data/x/1",
            "s3://bucket-eu/repos/source-repo/data/x/2, FULL, repos/source-repo/data/x/2",
            "s3://bucket-eu/repos/source-repo-other/x, FULL, ",
            "s3://imports/raw/y, FULL, ",
            "data/x/3, BY_PREFIX_DEPRECATED, repos/source-repo/data/x/3",
            "s3://elsewhere/z, BY_PREFIX_DEPRECATED, "})
    void keyInNamespace_shouldResolveOnlyAddressesInsideTheNamespace(String address, Entry.AddressType type,
                                                                    String expected) {
        assertThat(DataObjectChecker.keyInNamespace(f.ns, TestMetaRanges.entry(address, type)))
                .isEqualTo(Optional.ofNullable(expected));
    }
}
