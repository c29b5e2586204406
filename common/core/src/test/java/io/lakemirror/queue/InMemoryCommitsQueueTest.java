package io.lakemirror.queue;

import io.lakemirror.domain.Region;
import java.time.Duration;
import java.util.List;

class InMemoryCommitsQueueTest extends CommitsQueueContract {
    private final InMemoryCommitsQueue queues = new InMemoryCommitsQueue(Duration.ofSeconds(30),
            CommitsQueue.DEFAULT_MAX_RECEIVE_COUNT);
    private final Region region = Region.of("eu-west-1");

    @Override
    protected CommitsQueue queue() {
        return queues.forRegion(region);
    }

    @Override
    protected Region region() {
        return region;
    }

    @Override
    protected List<String> deadLetterBodies() {
        return queues.deadLetters(region).stream().map(InMemoryCommitsQueue.DeadLetter::body).toList();
    }
}
