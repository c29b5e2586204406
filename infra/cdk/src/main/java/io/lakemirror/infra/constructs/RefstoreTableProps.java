package io.lakemirror.infra.constructs;

import java.util.Objects;

/** Properties of {@link RefstoreTable}. */
public final class RefstoreTableProps {
    private final String tableName;
    private final boolean deletionProtection;

    private RefstoreTableProps(Builder builder) {
        this.tableName = builder.tableName;
        this.deletionProtection = builder.deletionProtection;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String getTableName() {
        return tableName;
    }

    public boolean isDeletionProtection() {
        return deletionProtection;
    }

    /** Builds {@link RefstoreTableProps}. */
    public static final class Builder {
        private String tableName = RefstoreTable.DEFAULT_TABLE_NAME;
        private boolean deletionProtection = true;

        private Builder() {
        }

        /**
         * Name of the table: the service's {@code refstore_database.dynamodb.table_name}.
         *
         * @default {@value RefstoreTable#DEFAULT_TABLE_NAME}
         */
        public Builder tableName(String tableName) {
            this.tableName = Objects.requireNonNull(tableName, "tableName");
            return this;
        }

        /**
         * Whether DynamoDB refuses to delete the table.
         *
         * @default true
         */
        public Builder deletionProtection(boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public RefstoreTableProps build() {
            return new RefstoreTableProps(this);
        }
    }
}
