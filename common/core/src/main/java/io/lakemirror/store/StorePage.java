package io.lakemirror.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a mirrors-database listing.
 *
 * @param items     items of this page, in key order
 * @param nextAfter the cursor of the next page; empty on the last page
 */
public record StorePage<T>(List<T> items, Optional<String> nextAfter) {

    public StorePage {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return nextAfter.isPresent();
    }
}
