package org.huizhen.dicom.data.charset;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Test-only: runs DCMTK and glibc command-line tools. A missing tool fails the test when
 * {@code CI=true} and skips it with a message otherwise. Each call waits for the process to
 * end (bounded), never sleeps.
 */
final class ExternalTools {

    record Result(int exitCode, byte[] stdout, String stderr) {}

    private ExternalTools() {
    }

    static void requireTool(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        String message = "'" + name + "' is not on the PATH (install DCMTK / glibc tools)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    static Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        requireTool(command[0]);
        Path err = Files.createTempFile("hz-tool", ".err");
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectError(err.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /**
     * The bytes between '[' and the last ']' of the first dcmdump output line for the tag,
     * e.g. {@code (0010,0010) PN [Wang^XiaoDong=王^小東=]  # 26, 1 PatientName}.
     */
    static byte[] dcmdumpValue(byte[] dcmdumpOutput, String tag) {
        String text = new String(dcmdumpOutput, StandardCharsets.ISO_8859_1); // byte-preserving
        for (String line : text.split("\n")) {
            if (line.startsWith(tag)) {
                int hash = line.lastIndexOf('#');
                String head = hash > 0 ? line.substring(0, hash) : line;
                int open = head.indexOf('[');
                int close = head.lastIndexOf(']');
                if (open < 0 || close < open) {
                    fail("no bracketed value in dcmdump line: " + line);
                }
                return head.substring(open + 1, close).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        throw new AssertionError("dcmdump printed no " + tag + " line:\n" + text);
    }
}
