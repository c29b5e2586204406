package io.lakemirror.testserver.model;

import java.util.Comparator;

/** Object paths sort as lakeFS sorts graveler keys: by UTF-8 bytes, which is code point order. */
public final class Keys {
    public static final Comparator<String> BYTEWISE = Keys::compare;

    private Keys() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
