package io.lakemirror.audit;

/**
 * How far a running audit is; every count only grows.
 *
 * @param phase                what it does now
 * @param refsTotal            branches and tags of the mirror to audit (0 until they are listed)
 * @param refsDone             of them, audited
 * @param commitsVerified      mirror commits compared with the source
 * @param metadataFilesChecked metaranges and ranges looked up in the bucket
 * @param dataObjectsChecked   data objects looked up (strict)
 * @param findings             violations found so far
 */
public record AuditProgress(String phase, int refsTotal, int refsDone, long commitsVerified, long metadataFilesChecked,
                            long dataObjectsChecked, long findings) {

    /** One line for a terminal: {@code refs 3/5, commits 120, files 40, data objects 0, violations 0 (checking files)}. */
    public String describe() {
        return "refs " + refsDone + "/" + refsTotal + ", commits " + commitsVerified + ", metadata files "
                + metadataFilesChecked + (dataObjectsChecked > 0 ? ", data objects " + dataObjectsChecked : "")
                + ", violations " + findings + " (" + phase + ")";
    }
}
