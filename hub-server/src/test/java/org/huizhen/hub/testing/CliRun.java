package org.huizhen.hub.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.huizhen.hub.cli.Main;

/**
 * Runs the {@code huizhen} command line in-process ({@link Main#run}) and keeps what it printed.
 *
 * <p>Swaps {@code System.out}/{@code System.err} while the command runs, so calls must not
 * overlap: the class serialises them (tests in this module run one at a time anyway).
 *
 * @param exitCode the command's exit code (see {@link Main})
 * @param out      what it printed on standard output
 * @param err      what it printed on standard error
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code huizhen args...}. */
    public static synchronized CliRun run(String... args) {
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
        CliRun r = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldOut.print(r.out);
        oldErr.print(r.err);
        return r;
    }

    /** Everything printed, for assertion messages. */
    public String output() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
