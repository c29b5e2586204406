package io.lakemirror.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The largest heap in use right after a collection, while it watches: what a first-sync benchmark
 * actually holds, unlike the used heap at a random moment, which includes garbage not yet collected.
 */
final class GcWatch {
    volatile long peakLiveAfterGc;
    volatile long collections;
    volatile long millis;
    private volatile boolean watching = true;

    GcWatch() {
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) bean).addNotificationListener((notification, handback) -> {
                if (!watching || !notification.getType().equals(
                        GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(MemoryUsage::getUsed).sum();
                synchronized (this) {
                    peakLiveAfterGc = Math.max(peakLiveAfterGc, used);
                    collections++;
                    millis += info.getGcInfo().getDuration();
                }
            }, null, null);
        }
    }

    void stop() {
        watching = false;
    }
}
