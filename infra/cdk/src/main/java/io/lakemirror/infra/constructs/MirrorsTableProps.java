package io.lakemirror.infra.constructs;

import java.util.List;
import java.util.Objects;

/** Properties of {@link MirrorsTable}. */
public final class MirrorsTableProps {
    private final String tableName;
    private final List<String> replicaRegions;
    private final boolean deletionProtection;

    private MirrorsTableProps(Builder builder) {
        this.tableName = builder.tableName;
        this.replicaRegions = List.copyOf(builder.replicaRegions);
        this.deletionProtection = builder.deletionProtection;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getTableName() {
        return tableName;
    }

    public List<String> getReplicaRegions() {
        return replicaRegions;
    }

    public boolean isDeletionProtection() {
        return deletionProtection;
    }

    /** Builds {@link MirrorsTableProps}. */
    public static final class Builder {
        private String tableName = MirrorsTable.DEFAULT_TABLE_NAME;
        private List<String> replicaRegions = List.of();
        private boolean deletionProtection = true;

        private Builder() {
        }

        /**
         * Name of the table in every region: the service's {@code mirrors_database.dynamodb.table_name}.
         *
         * @default {@value MirrorsTable#DEFAULT_TABLE_NAME}
         */
        public Builder tableName(String tableName) {
            this.tableName = Objects.requireNonNull(tableName, "tableName");
            return this;
        }

        /**
         * Regions that get a replica besides the stack's own region (which holds the primary).
         *
         * @default no other region (a global table with a single replica)
         */
        public Builder replicaRegions(List<String> replicaRegions) {
            this.replicaRegions = List.copyOf(replicaRegions);
            return this;
        }

        /**
         * Whether DynamoDB refuses to delete the table (every replica).
         *
         * @default true
         */
        public Builder deletionProtection(boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public MirrorsTableProps build() {
            return new MirrorsTableProps(this);
        }
    }
}
