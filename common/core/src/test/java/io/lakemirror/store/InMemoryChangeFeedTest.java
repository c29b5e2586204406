package io.lakemirror.store;

import java.time.Duration;

class InMemoryChangeFeedTest extends ChangeFeedContract {
    @Override
    protected Fixture newFixture() {
        InMemoryMirrorsDatabase db = new InMemoryMirrorsDatabase();
        return new Fixture() {
            @Override
            public MirrorsDatabase db() {
                return db;
            }

            @Override
            public ChangeFeed newFeed() {
                return new InMemoryChangeFeed(db);
            }
        };
    }

    @Override
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(5);
    }
}
