package io.lakemirror.aws.s3;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns S3 SDK failures into the domain's exceptions, naming the object and what happens next. */
final class S3Errors {
    private static final Set<String> AUTHENTICATION_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired");

    private S3Errors() {
    }

    /** Whether the failure says the object (or its bucket) is not there. */
    static boolean isNotFound(SdkException failure) {
        return failure instanceof AwsServiceException service && service.statusCode() == 404;
    }

    /** Whether the failure says the requested range starts at or after the object's end. */
    static boolean isRangeNotSatisfiable(SdkException failure) {
        return failure instanceof AwsServiceException service && service.statusCode() == 416;
    }

    /**
     * @param action what was attempted, e.g. "HEAD" or "reading bytes 0-16383"
     * @param object "s3://bucket/key"
     * @param next   what happens now, ending the message
     */
    static ReplicationException translate(SdkException failure, String action, String object, String next) {
        String message = action + " of " + object + " failed: " + AwsClients.describe(failure) + "; " + next;
        if (AwsClients.isTransient(failure)) {
            return new RetryableException(message + " (transient: retry later)", failure);
        }
        if (!(failure instanceof AwsServiceException service)) {
            return new NonRetryableException(message, failure);
        }
        String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
        if (service.statusCode() == 404) {
            return new NotFoundException(message, failure);
        }
        if (AUTHENTICATION_CODES.contains(code) || service.statusCode() == 401) {
            return new AuthenticationException(message + " (check the AWS credentials of this process)", failure);
        }
        if (service.statusCode() == 403) {
            return new AuthorizationException(message + " (grant this process's role s3:GetObject on the bucket;"
                    + " a missing key also reads as 403 without s3:ListBucket)", failure);
        }
        if (service.statusCode() == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return new NonRetryableException(message + " (the bucket is in another region than blockstore.s3.region)",
                    failure);
        }
        return new NonRetryableException(message, failure);
    }
}
