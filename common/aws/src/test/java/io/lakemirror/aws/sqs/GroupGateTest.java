package io.lakemirror.aws.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakemirror.queue.CommitsQueue.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupGateTest {
    private static final Duration HOLD_LIMIT = Duration.ofSeconds(15);

    private final SettableClock clock = new SettableClock();
    private final GroupGate gate = new GroupGate(clock, HOLD_LIMIT);
    private final List<ReceivedMessage> dropped = new ArrayList<>();

    private static ReceivedMessage m(String group, String id) {
        return new ReceivedMessage(id, "body-" + id, 1, group, id);
    }

    private List<ReceivedMessage> takeHeld() {
        return gate.takeHeld(10, dropped::add);
    }

    @Test
    void admit_shouldHandOutTheFirstMessageOfEachGroup_andHoldTheRest() {
        List<ReceivedMessage> out = gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("b", "b1"), m("a", "a3")));

        assertThat(out).extracting(ReceivedMessage::messageId).containsExactly("a1", "b1");
        assertThat(gate.heldCount()).isEqualTo(2);
        assertThat(takeHeld()).as("a1 is still outstanding").isEmpty();
    }

    @Test
    void takeHeld_shouldHandOutTheNextOfAGroup_inOrder_onlyAfterThePreviousIsAcknowledged() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("a", "a3")));

        gate.acknowledged(m("a", "a1"));
        assertThat(takeHeld()).extracting(ReceivedMessage::messageId).containsExactly("a2");
        assertThat(takeHeld()).isEmpty();
        gate.acknowledged(m("a", "a2"));
        assertThat(takeHeld()).extracting(ReceivedMessage::messageId).containsExactly("a3");
        assertThat(gate.heldCount()).isZero();
    }

    @Test
    void returned_shouldGiveBackTheHeldMessagesOfTheGroup_soItIsDeliveredAgainInOrder() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("a", "a3"), m("b", "b1"), m("b", "b2")));

        List<ReceivedMessage> back = gate.returned(m("a", "a1"));

        assertThat(back).extracting(ReceivedMessage::messageId).containsExactly("a2", "a3");
        assertThat(gate.heldCount()).isEqualTo(1);
        assertThat(takeHeld()).isEmpty();
    }

    @Test
    void takeHeld_shouldDropMessagesHeldLongerThanTheLimit() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("a", "a3")));
        clock.advance(HOLD_LIMIT.plusSeconds(1));
        gate.acknowledged(m("a", "a1"));

        assertThat(takeHeld()).isEmpty();
        assertThat(dropped).extracting(ReceivedMessage::messageId).containsExactly("a2", "a3");
        assertThat(gate.heldCount()).isZero();
    }

    @Test
    void admit_shouldForgetAGroupsEarlierReceipts_whenSqsDeliversTheGroupAgain() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2")));

        // SQS only does this once every earlier receipt of the group has lapsed.
        List<ReceivedMessage> again = gate.admit(List.of(m("a", "a1'"), m("a", "a2'")));

        assertThat(again).extracting(ReceivedMessage::messageId).containsExactly("a1'");
        gate.acknowledged(m("a", "a1'"));
        assertThat(takeHeld()).extracting(ReceivedMessage::messageId).containsExactly("a2'");
    }

    @Test
    void takeHeld_shouldRespectMax_acrossGroups() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("b", "b1"), m("b", "b2"), m("c", "c1"), m("c", "c2")));
        gate.acknowledged(m("a", "a1"));
        gate.acknowledged(m("b", "b1"));
        gate.acknowledged(m("c", "c1"));

        assertThat(gate.takeHeld(2, dropped::add)).extracting(ReceivedMessage::messageId).containsExactly("a2", "b2");
        assertThat(gate.takeHeld(2, dropped::add)).extracting(ReceivedMessage::messageId).containsExactly("c2");
    }

    @Test
    void admit_shouldTreatMessagesWithoutGroupAsIndependent() {
        assertThat(gate.admit(List.of(m(null, "x"), m(null, "y")))).extracting(ReceivedMessage::messageId)
                .containsExactly("x", "y");
    }

    @Test
    void drain_shouldReturnEveryHeldMessage_andForgetThem() {
        gate.admit(List.of(m("a", "a1"), m("a", "a2"), m("b", "b1"), m("b", "b2")));

        assertThat(gate.drain()).extracting(ReceivedMessage::messageId).containsExactlyInAnyOrder("a2", "b2");
        assertThat(gate.heldCount()).isZero();
    }

    @Test
    void outstanding_shouldBeForgotten_whenNeitherAcknowledgedNorKeptAliveForAVisibilityTimeout() {
        GroupGate bounded = new GroupGate(clock, HOLD_LIMIT, Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            bounded.admit(List.of(m("lost-" + i, "x" + i)));
        }
        bounded.admit(List.of(m("alive", "a1"), m("alive", "a2")));
        assertThat(bounded.outstandingCount()).isEqualTo(101);

        clock.advance(Duration.ofSeconds(20));
        bounded.touched(m("alive", "a1"));
        clock.advance(Duration.ofSeconds(20));
        List<ReceivedMessage> none = bounded.takeHeld(10, dropped::add);

        assertThat(bounded.outstandingCount()).as("only the group kept alive by a heartbeat").isEqualTo(1);
        assertThat(none).as("a2 still waits behind a1, whose heartbeat keeps it in flight").isEmpty();
    }

    private static final class SettableClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
