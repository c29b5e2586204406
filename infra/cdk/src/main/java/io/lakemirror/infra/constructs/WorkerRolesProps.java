package io.lakemirror.infra.constructs;

import io.lakemirror.domain.StorageNamespace;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.sqs.IQueue;

/** Properties of {@link WorkerRoles}. */
public final class WorkerRolesProps {
    /** KCL application name of the promoter when the props name none. */
    public static final String DEFAULT_KCL_APPLICATION_NAME = "lakemirror-promoter";

    private final ITable mirrorsTable;
    private final ITable refstoreTable;
    private final IQueue commitsQueue;
    private final List<String> destinationQueueArns;
    private final List<StorageNamespace> mirroredNamespaces;
    private final String kclApplicationName;

    private WorkerRolesProps(Builder builder) {
        this.mirrorsTable = Objects.requireNonNull(builder.mirrorsTable, "mirrorsTable is required");
        this.refstoreTable = Objects.requireNonNull(builder.refstoreTable, "refstoreTable is required");
        this.commitsQueue = Objects.requireNonNull(builder.commitsQueue, "commitsQueue is required");
        this.destinationQueueArns = List.copyOf(builder.destinationQueueArns);
        this.mirroredNamespaces = List.copyOf(builder.mirroredNamespaces);
        this.kclApplicationName = builder.kclApplicationName;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ITable getMirrorsTable() {
        return mirrorsTable;
    }

    public ITable getRefstoreTable() {
        return refstoreTable;
    }

    public IQueue getCommitsQueue() {
        return commitsQueue;
    }

    public List<String> getDestinationQueueArns() {
        return destinationQueueArns;
    }

    public List<StorageNamespace> getMirroredNamespaces() {
        return mirroredNamespaces;
    }

    public String getKclApplicationName() {
        return kclApplicationName;
    }

    /** Builds {@link WorkerRolesProps}. */
    public static final class Builder {
        private ITable mirrorsTable;
        private ITable refstoreTable;
        private IQueue commitsQueue;
        private List<String> destinationQueueArns = List.of();
        private List<StorageNamespace> mirroredNamespaces = List.of();
        private String kclApplicationName = DEFAULT_KCL_APPLICATION_NAME;

        private Builder() {
        }

        /**
         * This region's replica of the mirrors table, with its stream ARN (the promoter reads the stream).
         * Required.
         */
        public Builder mirrorsTable(ITable mirrorsTable) {
            this.mirrorsTable = Objects.requireNonNull(mirrorsTable, "mirrorsTable");
            return this;
        }

        /** This region's refstore table. Required. */
        public Builder refstoreTable(ITable refstoreTable) {
            this.refstoreTable = Objects.requireNonNull(refstoreTable, "refstoreTable");
            return this;
        }

        /** This region's commits queue, which the validator consumes. Required. */
        public Builder commitsQueue(IQueue commitsQueue) {
            this.commitsQueue = Objects.requireNonNull(commitsQueue, "commitsQueue");
            return this;
        }

        /**
         * Commits queues of the regions this region's namespaces replicate to; the sensor sends to them.
         *
         * @default none: this region is the source of no mirror
         */
        public Builder destinationQueueArns(List<String> destinationQueueArns) {
            this.destinationQueueArns = List.copyOf(destinationQueueArns);
            return this;
        }

        /**
         * Mirror namespaces in this region's bucket; the validator reads their {@code _lakefs/} metadata.
         *
         * @default none: this region is the destination of no mirror
         */
        public Builder mirroredNamespaces(List<StorageNamespace> mirroredNamespaces) {
            this.mirroredNamespaces = List.copyOf(mirroredNamespaces);
            return this;
        }

        /**
         * Application name of the promoter's Kinesis Client Library consumer: KCL names its lease,
         * coordinator-state and worker-metrics tables and its metric namespace after it.
         *
         * @default {@value WorkerRolesProps#DEFAULT_KCL_APPLICATION_NAME}
         */
        public Builder kclApplicationName(String kclApplicationName) {
            this.kclApplicationName = Objects.requireNonNull(kclApplicationName, "kclApplicationName");
            return this;
        }

        public WorkerRolesProps build() {
            return new WorkerRolesProps(this);
        }
    }
}
