/**
 * The validator: admits a mirror branch's new head only once every metadata file of that head is
 * in the mirror's storage namespace (invariant I1, docs/design/pipeline.md "Validator").
 *
 * <p>{@link io.lakemirror.validator.Validator} is the component; {@link io.lakemirror.launcher.ValidatorFactory}
 * wires it to DynamoDB, SQS, S3 and lakeFS. Inside: {@code QueueWorker} (one thread, FIFO order per
 * group), {@code CommitsMessageHandler} (one message, one {@code Outcome}, never an exception),
 * {@code HeadAdmission} (the rule, shared with {@code RecheckPass}), {@code HeadChecker} (the
 * bucket and the presence cache), {@code RetrySchedule} (the ladders).
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li><b>Head only.</b> Only a sequence's head is checked; the other commits travel as records.</li>
 *   <li><b>Poison.</b> Undecodable messages, another organization or region, and a source that
 *       differs from the mirror's go to the dead-letter queue at once (retrying cannot change them and
 *       would only hold up the FIFO group); a newer {@code schema_version}, an unknown mirror and an
 *       unverifiable claim-checked commit after a few receives on the error ladder.</li>
 *   <li><b>Receive budget.</b> SQS moves a message to the dead-letter queue by itself after the
 *       queue's {@code maxReceiveCount} receives, without a reason. The validator acts one receive
 *       earlier: a sequence still waiting (or failing in its head check) is recorded as waiting and
 *       its message deleted, and the re-check pass, every {@code validator.run_interval}, admits it
 *       when its files arrive; anything else is dead-lettered with its reason.</li>
 *   <li><b>Corrupt files</b> are errors naming the file's key, retried on the error ladder, never "missing".</li>
 *   <li><b>Strict mode</b> ({@code validator.strict}) also HEADs the data objects of every range new
 *       to the namespace. Objects at FULL addresses outside the namespace (imports) are not copied by
 *       bucket replication, so they are counted, reported as a warning in the branch state's
 *       validator error and a metric, and never waited for: waiting could only stall the branch.</li>
 * </ul>
 */
package io.lakemirror.validator;
