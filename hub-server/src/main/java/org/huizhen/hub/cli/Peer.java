package org.huizhen.hub.cli;

import picocli.CommandLine;

/**
 * A DICOM peer as users write it: {@code AET@HOST:PORT} (IPv6 hosts in brackets,
 * {@code AET@[::1]:104}). Immutable.
 */
record Peer(String aeTitle, String host, int port) {

    static Peer parse(String text) {
        int at = text.lastIndexOf('@');
        int colon = text.lastIndexOf(':');
        if (at <= 0 || colon < at + 2 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected AET@HOST:PORT, got '" + text + "'");
        }
        String aet = text.substring(0, at);
        String host = text.substring(at + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (aet.length() > 16 || aet.isBlank() || aet.contains("\\")) {
            throw new IllegalArgumentException("AE title must be 1-16 characters without '\\': '" + aet + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number: '" + text.substring(colon + 1) + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        return new Peer(aet, host, port);
    }

    @Override
    public String toString() {
        return aeTitle + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** picocli converter, so a bad peer is a usage error (exit 2) with the reason. */
    static final class Converter implements CommandLine.ITypeConverter<Peer> {
        @Override
        public Peer convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
