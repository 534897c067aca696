package org.huizhen.hub;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The machine's and the JVM's memory limits that sizing defaults ({@code storage.blob-cache: auto}) follow. */
final class MemoryLimits {
    private MemoryLimits() {
    }

    /** Physical memory of the machine (or the container's limit, which the JVM reports), in bytes. */
    static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4; // the JVM's default heap is a quarter of it
    }

    /**
     * The JVM's limit on direct buffers: {@code -XX:MaxDirectMemorySize}, or when that is unset
     * (0) the maximum heap, which is what the JVM then uses.
     */
    static long maxDirectMemory() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(hs.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException e) {
            // not HotSpot, or no such option: the JVM's documented default below
        }
        return Runtime.getRuntime().maxMemory();
    }
}
