package io.lakemirror.aws.cloudwatch;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

/**
 * A CloudWatch client that keeps every PutMetricData request and answers success: for tests whose
 * subject is exactly the request the registry sends. Every other operation is unsupported.
 */
public final class RecordingCloudWatchClient implements CloudWatchAsyncClient {
    private final List<PutMetricDataRequest> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
        requests.add(request);
        return CompletableFuture.completedFuture(PutMetricDataResponse.builder().build());
    }

    public List<PutMetricDataRequest> requests() {
        return List.copyOf(requests);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        closed = true;
    }
}
