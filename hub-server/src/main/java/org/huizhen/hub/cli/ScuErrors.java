package org.huizhen.hub.cli;

import org.huizhen.dicom.net.assoc.AssociateRejectedException;

/** Turns SCU failures into one line a user can act on. Stateless. */
final class ScuErrors {
    private ScuErrors() {
    }

    static String describe(Throwable t) {
        if (t instanceof AssociateRejectedException r) {
            return "association rejected (" + (r.result() == 1 ? "permanent" : "transient") + "): " + reason(r.source(), r.reason());
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused (is the peer listening on that port?)";
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** PS3.8 Table 9-21: A-ASSOCIATE-RJ source and reason. */
    static String reason(int source, int reason) {
        return switch (source) {
            case 1 -> switch (reason) {
                case 2 -> "application context name not supported";
                case 3 -> "calling AE title not recognized";
                case 7 -> "called AE title not recognized";
                default -> "no reason given (service user)";
            };
            case 2 -> reason == 2 ? "protocol version not supported" : "no reason given (service provider, ACSE)";
            case 3 -> reason == 1 ? "temporary congestion" : reason == 2 ? "local limit exceeded" : "service provider (presentation) reason " + reason;
            default -> "source " + source + ", reason " + reason;
        };
    }
}
