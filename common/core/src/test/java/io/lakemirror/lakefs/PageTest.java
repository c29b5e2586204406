package io.lakemirror.lakefs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PageTest {

    @Test
    void all_shouldFetchEveryPageLazily_followingNextOffset() {
        List<String> requested = new ArrayList<>();
        List<Integer> items = IntStream.range(0, 7).boxed().toList();

        List<Integer> all = Page.all(after -> {
            requested.add(after);
            int from = after.isEmpty() ? 0 : Integer.parseInt(after) + 1;
            int to = Math.min(from + 3, items.size());
            boolean more = to < items.size();
            return new Page<>(items.subList(from, to), more, more ? String.valueOf(to - 1) : "");
        }).limit(4).toList();

        assertThat(all).containsExactly(0, 1, 2, 3);
        assertThat(requested).containsExactly("", "2");
    }

    @Test
    void page_shouldRefuseMorePagesWithoutOffset() {
        assertThatThrownBy(() -> new Page<>(List.of(1), true, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pageRequest_shouldRefuseSizesLakeFsRefuses() {
        assertThatThrownBy(() -> PageRequest.first(1001)).hasMessageContaining("1..1000");
        assertThatThrownBy(() -> PageRequest.first(0)).hasMessageContaining("1..1000");
    }
}
