-- lakemirror schema, version 1: the mirrors database, the refstore and the change log.
-- Every key starts with the organization, as every DynamoDB partition key does. Key columns
-- sort bytewise (COLLATE "C"), so listings come out in the same order as Java's String order.
-- Items are JSON documents with their own schema_version; the columns beside them hold what
-- keys and conditions need.

CREATE TABLE IF NOT EXISTS lakemirror_mirror_specs (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    spec         jsonb NOT NULL,
    PRIMARY KEY (organization, mirror_id)
);

CREATE TABLE IF NOT EXISTS lakemirror_name_claims (
    organization text COLLATE "C" NOT NULL,
    region       text COLLATE "C" NOT NULL,
    name         text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    PRIMARY KEY (organization, region, name)
);

CREATE TABLE IF NOT EXISTS lakemirror_mirror_statuses (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    status       jsonb NOT NULL,
    version      bigint NOT NULL,
    PRIMARY KEY (organization, mirror_id)
);

CREATE TABLE IF NOT EXISTS lakemirror_source_statuses (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    source       jsonb NOT NULL,
    version      bigint NOT NULL,
    PRIMARY KEY (organization, mirror_id)
);

CREATE TABLE IF NOT EXISTS lakemirror_sensor_states (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    branch       text COLLATE "C" NOT NULL,
    sequence     bigint NOT NULL,
    state        jsonb NOT NULL,
    PRIMARY KEY (organization, mirror_id, branch)
);

CREATE TABLE IF NOT EXISTS lakemirror_sent_commits (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    commit_id    text COLLATE "C" NOT NULL,
    PRIMARY KEY (organization, mirror_id, commit_id)
);

CREATE TABLE IF NOT EXISTS lakemirror_branch_states (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    branch       text COLLATE "C" NOT NULL,
    state        jsonb NOT NULL,
    version      bigint NOT NULL,
    PRIMARY KEY (organization, mirror_id, branch)
);

-- Refstore: commit records per mirror with their promoted flag, and the presence cache.
CREATE TABLE IF NOT EXISTS lakemirror_commits (
    organization text COLLATE "C" NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    commit_id    text COLLATE "C" NOT NULL,
    record       jsonb NOT NULL,
    promoted     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (organization, mirror_id, commit_id)
);

CREATE TABLE IF NOT EXISTS lakemirror_present_files (
    organization text COLLATE "C" NOT NULL,
    namespace    text COLLATE "C" NOT NULL,
    file_id      text COLLATE "C" NOT NULL,
    checked_at   timestamptz NOT NULL,
    PRIMARY KEY (organization, namespace, file_id)
);

-- Change log: one row per changed mirror item or branch state, written in the transaction of the
-- change. The counter row of an organization is taken last in that transaction, so sequences are
-- gapless and become visible in order: a consumer reading "seq > checkpoint" never skips a row.
CREATE TABLE IF NOT EXISTS lakemirror_change_counters (
    organization text COLLATE "C" NOT NULL PRIMARY KEY,
    last_seq     bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS lakemirror_changes (
    organization text COLLATE "C" NOT NULL,
    seq          bigint NOT NULL,
    kind         text NOT NULL,
    mirror_id    text COLLATE "C" NOT NULL,
    branch       text COLLATE "C",
    state        jsonb,
    written_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization, seq)
);

CREATE INDEX IF NOT EXISTS lakemirror_changes_written_at ON lakemirror_changes (organization, written_at);

-- One row per consumer group (ChangeFeed.consumerGroup): its checkpoint and the lease of the one
-- process that reads for the group.
CREATE TABLE IF NOT EXISTS lakemirror_change_consumers (
    organization   text COLLATE "C" NOT NULL,
    consumer_group text COLLATE "C" NOT NULL,
    checkpoint     bigint NOT NULL,
    lease_owner    text,
    lease_until    timestamptz,
    PRIMARY KEY (organization, consumer_group)
);
