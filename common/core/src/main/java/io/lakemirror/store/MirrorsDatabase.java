package io.lakemirror.store;

/**
 * The global mirrors database (docs/architecture.md §4): mirror specs and statuses, sensor state and branch
 * state, with every role's writes. Adapters implement it whole; components receive only the role
 * interface of the items they own ({@link MirrorSpecWriter} for the API, {@link MirrorStatusWriter}
 * for the mirrors manager, {@link SensorStateWriter} for the sensor, {@link ValidatedStateWriter}
 * for the validator, {@link PromotedStateWriter} for the promoter, {@link BranchRepairWriter} for
 * the operator's repair command, {@link MirrorsReader} for readers), because global tables resolve concurrent writes to one item by last-writer-wins and so
 * every item must have exactly one writing region. Every state change that ordering matters for is
 * conditional; a lost condition raises {@link io.lakemirror.domain.StaleWriteException}.
 */
public interface MirrorsDatabase extends MirrorSpecWriter, MirrorStatusWriter, SensorStateWriter, ValidatedStateWriter,
        PromotedStateWriter, BranchRepairWriter {
}
