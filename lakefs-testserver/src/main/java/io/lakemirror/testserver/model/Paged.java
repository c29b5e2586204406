package io.lakemirror.testserver.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;

/**
 * One page of a list, paginated as lakeFS does: items after {@code after} in key order,
 * {@code nextOffset} = the last key on the page when more follow, else {@code ""}.
 */
public record Paged<T>(List<T> results, boolean hasMore, String nextOffset) {

    public <R> Paged<R> map(Function<? super T, ? extends R> f) {
        List<R> out = new ArrayList<>(results.size());
        results.forEach(t -> out.add(f.apply(t)));
        return new Paged<>(out, hasMore, nextOffset);
    }

    /** A page of the entries of {@code sorted} whose keys start with {@code prefix} and come after {@code after}. */
    public static <T> Paged<T> of(NavigableMap<String, T> sorted, String prefix, String after, int amount) {
        Comparator<? super String> order = sorted.comparator() == null ? Comparator.naturalOrder() : sorted.comparator();
        NavigableMap<String, T> view = after.isEmpty() || order.compare(after, prefix) < 0
                ? sorted.tailMap(prefix, true)
                : sorted.tailMap(after, false);
        List<T> out = new ArrayList<>(Math.min(amount, 1024));
        String last = "";
        for (Map.Entry<String, T> e : view.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (out.size() == amount) {
                return new Paged<>(out, true, last);
            }
            out.add(e.getValue());
            last = e.getKey();
        }
        return new Paged<>(out, false, "");
    }
}
