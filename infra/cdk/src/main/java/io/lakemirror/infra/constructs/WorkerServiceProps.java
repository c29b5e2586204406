package io.lakemirror.infra.constructs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Properties of {@link WorkerService}. */
public final class WorkerServiceProps {
    /**
     * Image used when the props name none: a placeholder name so that synthesis needs no registry or
     * Docker; every real deployment sets {@link Builder#image}.
     */
    public static final String DEFAULT_IMAGE = "lakemirror/lakemirror:latest";

    private final ICluster cluster;
    private final Worker worker;
    private final ContainerImage image;
    private final IRole taskRole;
    private final ServiceEnvironment environment;
    private final int cpu;
    private final int memoryLimitMiB;
    private final int desiredCount;
    private final RetentionDays logRetention;
    private final Integer containerPort;
    private final List<String> command;

    private WorkerServiceProps(Builder builder) {
        this.cluster = Objects.requireNonNull(builder.cluster, "cluster is required");
        this.worker = Objects.requireNonNull(builder.worker, "worker is required");
        this.image = builder.image != null ? builder.image : ContainerImage.fromRegistry(DEFAULT_IMAGE);
        this.taskRole = Objects.requireNonNull(builder.taskRole, "taskRole is required");
        this.environment = Objects.requireNonNull(builder.environment, "environment is required");
        this.cpu = builder.cpu;
        this.memoryLimitMiB = builder.memoryLimitMiB;
        this.desiredCount = builder.desiredCount;
        this.logRetention = builder.logRetention;
        this.containerPort = builder.containerPort;
        this.command = builder.command != null ? List.copyOf(builder.command) : worker.command();
    }

    public static Builder builder() {
        return new Builder();
    }

    public ICluster getCluster() {
        return cluster;
    }

    public Worker getWorker() {
        return worker;
    }

    public ContainerImage getImage() {
        return image;
    }

    public IRole getTaskRole() {
        return taskRole;
    }

    public ServiceEnvironment getEnvironment() {
        return environment;
    }

    public int getCpu() {
        return cpu;
    }

    public int getMemoryLimitMiB() {
        return memoryLimitMiB;
    }

    public int getDesiredCount() {
        return desiredCount;
    }

    public RetentionDays getLogRetention() {
        return logRetention;
    }

    public Optional<Integer> getContainerPort() {
        return Optional.ofNullable(containerPort);
    }

    public List<String> getCommand() {
        return command;
    }

    /** Builds {@link WorkerServiceProps}. */
    public static final class Builder {
        private ICluster cluster;
        private Worker worker;
        private ContainerImage image;
        private IRole taskRole;
        private ServiceEnvironment environment;
        private int cpu = 512;
        private int memoryLimitMiB = 1024;
        private int desiredCount = 1;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private Integer containerPort;
        private List<String> command;

        private Builder() {
        }

        /** The ECS cluster to run in. Required. */
        public Builder cluster(ICluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            return this;
        }

        /** Which component this service runs. Required. */
        public Builder worker(Worker worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
            return this;
        }

        /**
         * The service image (the launcher jar as {@code lakemirror.jar} in the working directory), for
         * example {@code ContainerImage.fromEcrRepository(repository, tag)}.
         *
         * @default {@code ContainerImage.fromRegistry(}{@value WorkerServiceProps#DEFAULT_IMAGE}{@code )}
         */
        public Builder image(ContainerImage image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /** The worker's task role (see {@link WorkerRoles}). Required. */
        public Builder taskRole(IRole taskRole) {
            this.taskRole = Objects.requireNonNull(taskRole, "taskRole");
            return this;
        }

        /** The worker's service configuration. Required. */
        public Builder environment(ServiceEnvironment environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Task CPU units (a Fargate size with {@link #memoryLimitMiB}).
         *
         * @default 512
         */
        public Builder cpu(int cpu) {
            this.cpu = cpu;
            return this;
        }

        /**
         * Task memory in MiB.
         *
         * @default 1024
         */
        public Builder memoryLimitMiB(int memoryLimitMiB) {
            this.memoryLimitMiB = memoryLimitMiB;
            return this;
        }

        /**
         * Tasks to run (the starting point when autoscaling manages the service).
         *
         * @default 1
         */
        public Builder desiredCount(int desiredCount) {
            this.desiredCount = desiredCount;
            return this;
        }

        /**
         * How long the container logs are kept.
         *
         * @default one month
         */
        public Builder logRetention(RetentionDays logRetention) {
            this.logRetention = Objects.requireNonNull(logRetention, "logRetention");
            return this;
        }

        /**
         * TCP port the container listens on, when something must reach it.
         *
         * @default none: the worker accepts no connections
         */
        public Builder containerPort(int containerPort) {
            this.containerPort = containerPort;
            return this;
        }

        /**
         * The container command.
         *
         * @default {@code java -jar lakemirror.jar <worker subcommand>}
         */
        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        public WorkerServiceProps build() {
            return new WorkerServiceProps(this);
        }
    }
}
