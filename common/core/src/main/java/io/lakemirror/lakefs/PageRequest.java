package io.lakemirror.lakefs;

import io.lakemirror.domain.InvalidInputException;
import java.util.Objects;

/**
 * Which page of a lakeFS list to fetch.
 *
 * @param prefix only names starting with this ({@code ""} = all)
 * @param after  exclusive start: the {@code nextOffset} of the previous page ({@code ""} = first page)
 * @param amount page size, 1 to {@value #MAX_AMOUNT}
 */
public record PageRequest(String prefix, String after, int amount) {
    /** lakeFS's largest page. */
    public static final int MAX_AMOUNT = 1000;
    /** lakeFS's page size when none is given. */
    public static final int DEFAULT_AMOUNT = 100;

    public PageRequest {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(after, "after");
        if (amount < 1 || amount > MAX_AMOUNT) {
            throw new InvalidInputException("page size " + amount + " is outside lakeFS's range 1.." + MAX_AMOUNT);
        }
    }

    /** The first page of {@code amount} items. */
    public static PageRequest first(int amount) {
        return new PageRequest("", "", amount);
    }

    /** The first page of the largest size lakeFS serves. */
    public static PageRequest largest() {
        return first(MAX_AMOUNT);
    }

    public PageRequest after(String offset) {
        return new PageRequest(prefix, offset, amount);
    }

    public PageRequest withPrefix(String namePrefix) {
        return new PageRequest(namePrefix, after, amount);
    }

    /** The request for the page after {@code page}. */
    public PageRequest next(Page<?> page) {
        return after(page.nextOffset());
    }
}
