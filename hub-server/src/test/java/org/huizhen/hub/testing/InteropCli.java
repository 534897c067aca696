package org.huizhen.hub.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.huizhen.hub.cli.Main;

/**
 * Runs the {@code huizhen} command line in this JVM ({@link Main#run}) and captures what it
 * prints, the way a user sees it in a terminal.
 *
 * <p>Swaps {@link System#out} and {@link System#err} while a command runs, so runs are
 * serialised on this class; tests must not print from other threads meanwhile.
 */
public final class InteropCli {
    private InteropCli() {
    }

    /** A finished command: exit code, stdout and stderr. */
    public record Result(int exitCode, String out, String err) {
        /** Both streams, for assertion messages. */
        public String all() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
