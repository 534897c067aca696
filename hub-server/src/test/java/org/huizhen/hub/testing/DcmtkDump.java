package org.huizhen.hub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What DCMTK's {@code dcmdump} says a file holds: the values of top-level elements (File Meta
 * Information included), keyed by dcmdump's keyword. It is the independent reference the hub's
 * index is checked against.
 *
 * <p>Immutable; thread-safe.
 */
public final class DcmtkDump {
    /** A top-level element line: {@code (gggg,eeee) VR [value] or =name or plain value # len, vm Keyword}. */
    private static final Pattern LINE = Pattern.compile(
            "^\\(([0-9a-f]{4}),([0-9a-f]{4})\\) (\\S\\S) (?:\\[(.*)\\]|(\\S.*?))\\s+#\\s*\\d+,\\s*\\d+\\s+(\\S+)$");
    private final Map<String, String> values;
    private final String text;

    private DcmtkDump(Map<String, String> values, String text) {
        this.values = values;
        this.text = text;
    }

    /**
     * Dumps {@code file} with UIDs as numbers ({@code -Un}); with {@code utf8} also
     * {@code --convert-to-utf8}, so text in other character sets reads as Unicode.
     */
    public static DcmtkDump of(Path file, boolean utf8) {
        DcmtkTools.requireTool("dcmdump");
        List<String> cmd = new ArrayList<>(List.of("dcmdump", "-q", "-Un"));
        if (utf8) {
            cmd.add("--convert-to-utf8");
        }
        cmd.add(file.toString());
        DcmtkTools.Run r = DcmtkTools.run(cmd, 60);
        assertThat(r.exitCode()).as("dcmdump %s:%n%s", file, r.output()).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : r.output().split("\n")) {
            Matcher m = LINE.matcher(line);
            // nested elements are indented, so only top-level ones match at column 0
            if (m.matches()) {
                String v = m.group(4) != null ? m.group(4) : m.group(5);
                values.putIfAbsent(m.group(6), v.startsWith("=") ? v.substring(1) : v);
            }
        }
        return new DcmtkDump(values, r.output());
    }

    /**
     * The raw bytes dcmdump prints between the brackets of a top-level element, undecoded (dcmdump
     * without {@code --convert-to-utf8} copies the value bytes through, ISO 2022 escapes and all).
     */
    public static Optional<byte[]> rawValue(Path file, String keyword) {
        DcmtkTools.requireTool("dcmdump");
        try {
            Process p = new ProcessBuilder("dcmdump", "-q", "+P", keyword, file.toString())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            String latin1 = new String(out, StandardCharsets.ISO_8859_1);
            int open = latin1.indexOf('[');
            int close = latin1.indexOf("] ", open);
            if (open < 0 || close < 0) {
                return Optional.empty();
            }
            return Optional.of(latin1.substring(open + 1, close).getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of top-level element {@code keyword} (e.g. {@code StudyInstanceUID}), if present. */
    public Optional<String> get(String keyword) {
        return Optional.ofNullable(values.get(keyword)).filter(v -> !v.equals("(no value available)"));
    }

    /**
     * The data set part of the dump as values only, so that two encodings of one data set in
     * different native transfer syntaxes compare equal (dcmdump prints values decoded) and any
     * differing value does not. Left out is what legitimately changes with the encoding (PS3.5
     * 7.1, 7.5): the transfer syntax line, encoded lengths, whether sequences and items have
     * explicit or undefined length (and so their delimitation items), and the VR of an unknown
     * private element, which is "??" from Implicit VR and UN once written in Explicit VR.
     */
    public String dataSetText() {
        int start = text.indexOf("# Dicom-Data-Set");
        return text.substring(Math.max(0, start)).lines()
                .filter(l -> !l.startsWith("# Used TransferSyntax"))
                .filter(l -> !l.strip().startsWith("(fffe,e00d)") && !l.strip().startsWith("(fffe,e0dd)"))
                .map(l -> l.replaceFirst("\\((Sequence|Item) with (explicit|undefined) length", "($1")
                        .replaceFirst("^(\\s*\\([0-9a-f]{4},[0-9a-f]{4}\\)) \\?\\? ", "$1 UN ")
                        .replaceFirst("#\\s*(u/l|\\d+),", "#")
                        .replaceAll("\\s+", " "))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The whole dump, for assertion messages. */
    public String text() {
        return text;
    }
}
