package io.lakemirror.infra.constructs;

import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;

/**
 * Key schema of the mirrors database and the refstore. The service keeps several item kinds in one
 * table each (single-table design), so the keys have generic names and string values.
 */
public final class TableKeys {
    /** Partition key attribute name. */
    public static final String PARTITION_KEY = "pk";
    /** Sort key attribute name. */
    public static final String SORT_KEY = "sk";

    private TableKeys() {
    }

    static Attribute partitionKey() {
        return Attribute.builder().name(PARTITION_KEY).type(AttributeType.STRING).build();
    }

    static Attribute sortKey() {
        return Attribute.builder().name(SORT_KEY).type(AttributeType.STRING).build();
    }
}
