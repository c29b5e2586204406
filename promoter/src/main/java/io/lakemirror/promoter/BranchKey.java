package io.lakemirror.promoter;

import io.lakemirror.domain.BranchId;
import io.lakemirror.domain.MirrorId;

/** One branch of one mirror: the unit of promotion work. */
record BranchKey(MirrorId mirror, BranchId branch) {
    @Override
    public String toString() {
        return mirror + "/" + branch;
    }
}
