package io.lakemirror.testserver;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request the lakeFS test server served under {@code /api/v1} and the answer it sent, as an
 * {@link ExchangeCheck} needs it: text bodies only (JSON, text), binary ones left out.
 *
 * @param path          the path as received, {@code /api/v1/...}, still URL-encoded
 * @param query         query parameters, decoded, each with its values in order
 * @param requestBody   the body when it is JSON or text; empty otherwise
 * @param responseBody  the body when it is JSON or text; empty otherwise
 * @param checkRequest  false when the client marked its request as deliberately malformed
 *                      ({@link #RESPONSE_ONLY_HEADER}): only the answer is then held to the spec
 */
public record ServedExchange(String method, String path, Map<String, List<String>> query, Optional<String> authorization,
                             Optional<String> requestContentType, Optional<String> requestBody, int status,
                             Optional<String> responseContentType, Optional<String> responseBody,
                             boolean checkRequest) {
    /**
     * A test client's request header: {@code response-only} asks that only the answer be checked, for
     * wire-shape tests that send malformed requests on purpose. Real lakeFS ignores unknown headers.
     */
    public static final String RESPONSE_ONLY_HEADER = "X-Lakemirror-Spec-Check";
    public static final String RESPONSE_ONLY = "response-only";

    public ServedExchange {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query);
    }

    /** {@code METHOD path -> status}, for reports. */
    public String describe() {
        return method + " " + path + " -> " + status;
    }
}
