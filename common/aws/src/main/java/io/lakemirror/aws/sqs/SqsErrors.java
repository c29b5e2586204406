package io.lakemirror.aws.sqs;

import io.lakemirror.aws.AwsClients;
import io.lakemirror.domain.AuthenticationException;
import io.lakemirror.domain.AuthorizationException;
import io.lakemirror.domain.InvalidInputException;
import io.lakemirror.domain.NonRetryableException;
import io.lakemirror.domain.NotFoundException;
import io.lakemirror.domain.ReplicationException;
import io.lakemirror.domain.RetryableException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Turns SQS SDK failures into the domain's exceptions, naming the queue, its region and what happens next. */
final class SqsErrors {
    private static final Set<String> MISSING_QUEUE_CODES = Set.of("AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist", "NonExistentQueue");
    private static final Set<String> TOO_LARGE_CODES = Set.of("AWS.SimpleQueueService.BatchRequestTooLong",
            "BatchRequestTooLong", "RequestEntityTooLarge");
    private static final Set<String> AUTHENTICATION_CODES = Set.of("InvalidClientTokenId", "SignatureDoesNotMatch",
            "UnrecognizedClientException", "MissingAuthenticationToken", "ExpiredToken", "IncompleteSignature",
            "InvalidSecurity", "AWS.SimpleQueueService.InvalidSecurity");

    private SqsErrors() {
    }

    /**
     * @param action what was attempted, e.g. "sending 10 messages"
     * @param where  the queue and region, e.g. "queue lakemirror-commits.fifo in eu-west-1"
     * @param next   what happens now, ending the message (e.g. "the messages were not sent")
     */
    static ReplicationException translate(SdkException failure, String action, String where, String next) {
        String detail = AwsClients.describe(failure);
        String message = action + " on " + where + " failed: " + detail + "; " + next;
        if (AwsClients.isTransient(failure)) {
            return new RetryableException(message + " (transient: retry later)", failure);
        }
        if (!(failure instanceof AwsServiceException service)) {
            return new NonRetryableException(message, failure);
        }
        String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
        String text = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorMessage());
        if (failure instanceof QueueDoesNotExistException || MISSING_QUEUE_CODES.contains(code)) {
            return new NotFoundException(where + " does not exist (" + action + "): create it (the CDK stack"
                    + " does) or fix queue.sqs.queue_name / queue.sqs.queue_urls; " + next, failure);
        }
        if (failure instanceof BatchRequestTooLongException || TOO_LARGE_CODES.contains(code)
                || isTooLargeMessage(code, text)) {
            return new InvalidInputException(action + " on " + where + " failed: a message is larger than SQS"
                    + " accepts (" + detail + "); " + next, failure);
        }
        if (AUTHENTICATION_CODES.contains(code) || service.statusCode() == 401) {
            return new AuthenticationException(message + " (check the AWS credentials of this process)", failure);
        }
        if (service.statusCode() == 403 || code.contains("AccessDenied")) {
            return new AuthorizationException(message + " (grant this process's role access to the queue)", failure);
        }
        return new NonRetryableException(message, failure);
    }

    private static boolean isTooLargeMessage(String code, String text) {
        return code.contains("InvalidParameterValue") && text.toLowerCase(java.util.Locale.ROOT).contains("shorter than");
    }
}
