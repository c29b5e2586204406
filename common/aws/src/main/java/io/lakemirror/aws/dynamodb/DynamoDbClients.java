package io.lakemirror.aws.dynamodb;

import io.lakemirror.domain.Region;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB client of each region's replica of the mirrors table.
 *
 * <p>Why more than one: a global table resolves concurrent writes to one item by last-writer-wins
 * and checks a condition only in the region where the write lands. Two users creating a mirror of
 * the same name from two regions at once would both pass a condition checked in their own region.
 * So the mirror spec and the name claim are always written in the replica of the mirror's
 * <em>destination</em> region, where both writes meet and one of them fails. Everything else is
 * written by exactly one region (docs/architecture.md §4) and uses the {@link #local()} client.
 *
 * <p>With an endpoint override (local stacks) every region uses the same endpoint, as the factory
 * arranges; a client is built on first use of a region and closed with this object.
 */
public final class DynamoDbClients implements AutoCloseable {
    private final Region localRegion;
    private final Function<Region, DynamoDbClient> factory;
    private final boolean owned;
    private final Map<Region, DynamoDbClient> clients = new ConcurrentHashMap<>();

    private DynamoDbClients(Region localRegion, Function<Region, DynamoDbClient> factory, boolean owned) {
        this.localRegion = Objects.requireNonNull(localRegion, "localRegion");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.owned = owned;
    }

    /** One client per region, built by {@code factory} on first use and closed by {@link #close()}. */
    public static DynamoDbClients perRegion(Region localRegion, Function<Region, DynamoDbClient> factory) {
        return new DynamoDbClients(localRegion, factory, true);
    }

    /**
     * The same client for every region (one endpoint serving all regions, as in tests); the caller
     * keeps ownership and closes it.
     */
    public static DynamoDbClients single(Region localRegion, DynamoDbClient client) {
        Objects.requireNonNull(client, "client");
        return new DynamoDbClients(localRegion, r -> client, false);
    }

    public Region localRegion() {
        return localRegion;
    }

    /** The client of this process's own region. */
    public DynamoDbClient local() {
        return forRegion(localRegion);
    }

    /** The client of {@code region}'s replica. */
    public DynamoDbClient forRegion(Region region) {
        return clients.computeIfAbsent(region, factory);
    }

    @Override
    public void close() {
        if (owned) {
            clients.values().forEach(DynamoDbClient::close);
        }
        clients.clear();
    }
}
