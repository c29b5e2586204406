package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.queue.CommitsQueue.OutgoingMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SendBatchesTest {
    private static final String WHERE = "queue q.fifo in eu-west-1";

    private static OutgoingMessage message(int i, int bytes) {
        return new OutgoingMessage("g" + (i % 3), "d" + i, "x".repeat(bytes));
    }

    @Provide
    Arbitrary<List<OutgoingMessage>> messages() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, 2_000)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(20_000, 120_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(200_000, SendBatches.MAX_BYTES)));
        return sizes.list().ofMaxSize(60).map(list -> IntStream.range(0, list.size())
                .mapToObj(i -> message(i, list.get(i))).toList());
    }

    @Property(tries = 200)
    void split_shouldKeepEveryMessageInOrder_withinTheBatchLimits(@ForAll("messages") List<OutgoingMessage> messages) {
        List<List<OutgoingMessage>> batches = SendBatches.split(messages, WHERE);

        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(messages);
        for (int i = 0; i < batches.size(); i++) {
            List<OutgoingMessage> batch = batches.get(i);
            int bytes = batch.stream().mapToInt(SendBatches::size).sum();
            assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(SendBatches.MAX_ENTRIES);
            assertThat(bytes).isLessThanOrEqualTo(SendBatches.MAX_BYTES);
            if (i + 1 < batches.size()) {
                // Greedy: a batch closes only when the next message would not fit.
                OutgoingMessage next = batches.get(i + 1).get(0);
                assertThat(batch.size() == SendBatches.MAX_ENTRIES
                        || bytes + SendBatches.size(next) > SendBatches.MAX_BYTES).isTrue();
            }
        }
    }

    @Test
    void split_shouldMakeBatchesOfTen_whenMessagesAreSmall() {
        List<OutgoingMessage> messages = IntStream.range(0, 25).mapToObj(i -> message(i, 100)).toList();

        assertThat(SendBatches.split(messages, WHERE)).extracting(List::size).containsExactly(10, 10, 5);
    }

    @Test
    void split_shouldCountUtf8Bytes_notCharacters() {
        String twoByteChars = "é".repeat(SendBatches.MAX_BYTES / 2);
        List<OutgoingMessage> messages = List.of(new OutgoingMessage("g", "a", twoByteChars),
                new OutgoingMessage("g", "b", "x"));

        assertThat(SendBatches.split(messages, WHERE)).extracting(List::size).containsExactly(1, 1);
        assertThatThrownBy(() -> SendBatches.split(List.of(new OutgoingMessage("g", "c", twoByteChars + "é")), WHERE))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void split_shouldRefuseTheWholeList_whenOneMessageIsOverTheLimit() {
        List<OutgoingMessage> messages = new ArrayList<>(List.of(message(0, 10), message(1, SendBatches.MAX_BYTES + 1)));

        assertThatThrownBy(() -> SendBatches.split(messages, WHERE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("d1")
                .hasMessageContaining(WHERE)
                .hasMessageContaining("262145 bytes")
                .hasMessageEndingWith("nothing of this call was sent");
    }

    @ParameterizedTest
    @CsvSource(value = {"'',d,body", "g,'',body", "g,d,''", "NULL,d,body", "g,NULL,body"}, nullValues = "NULL")
    void split_shouldRefuseAMessage_whenAnIdOrTheBodyIsEmpty(String group, String dedup, String body) {
        assertThatThrownBy(() -> SendBatches.split(List.of(new OutgoingMessage(group, dedup, body)), WHERE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(WHERE);
    }

    @Test
    void split_shouldRefuseADeduplicationId_longerThan128Characters() {
        OutgoingMessage tooLong = new OutgoingMessage("g", "d".repeat(129), "body");

        assertThatThrownBy(() -> SendBatches.split(List.of(tooLong), WHERE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("1 to 128 characters");
    }
}
