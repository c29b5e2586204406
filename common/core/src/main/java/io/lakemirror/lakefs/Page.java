package io.lakemirror.lakefs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One page of a lakeFS list, as lakeFS paginates: {@code nextOffset} is the value to pass as
 * {@code after} for the next page and is empty when {@code hasMore} is false.
 *
 * @param results    the items of this page, in lakeFS order
 * @param hasMore    whether another page follows
 * @param nextOffset the {@code after} value of the next page; {@code ""} on the last page
 */
public record Page<T>(List<T> results, boolean hasMore, String nextOffset) {

    public Page {
        results = List.copyOf(results);
        Objects.requireNonNull(nextOffset, "nextOffset");
        if (hasMore && nextOffset.isEmpty()) {
            throw new IllegalArgumentException("a page with more results must name the offset of the next page");
        }
    }

    /** A last page. */
    public static <T> Page<T> last(List<T> results) {
        return new Page<>(results, false, "");
    }

    /** Maps every item, keeping the paging state. */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        List<R> mapped = new ArrayList<>(results.size());
        for (T t : results) {
            mapped.add(mapper.apply(t));
        }
        return new Page<>(mapped, hasMore, nextOffset);
    }

    /**
     * Every item of every page, fetched lazily: {@code fetch} is called with {@code ""} first and
     * then with each page's {@code nextOffset} while {@code hasMore}.
     */
    public static <T> Stream<T> all(Function<String, Page<T>> fetch) {
        Iterator<T> items = new Iterator<>() {
            private Iterator<T> current = List.<T>of().iterator();
            private String after = "";
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && more) {
                    Page<T> page = fetch.apply(after);
                    current = page.results().iterator();
                    more = page.hasMore();
                    after = page.nextOffset();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
    }
}
