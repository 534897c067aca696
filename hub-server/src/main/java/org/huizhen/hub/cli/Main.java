package org.huizhen.hub.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code huizhen} command line: one picocli command with a subcommand per task.
 *
 * <p>Exit codes (every subcommand): 0 success; 1 the work ran but some of it failed (e.g. some
 * instances were not stored); 2 bad usage or configuration; 3 could not start or connect.
 */
@Command(name = "huizhen", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Huizhen Hub (会诊): shared-diagnosis hub for a medical consortium.",
        subcommands = {ServeCommand.class, EchoCommand.class, StoreCommand.class, ExportCommand.class, TokenCommand.class,
                EcgCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Work done, some items failed. */
    public static final int EXIT_PARTIAL = 1;
    /** Bad usage or configuration. */
    public static final int EXIT_USAGE = 2;
    /** Could not start, bind or connect. */
    public static final int EXIT_UNAVAILABLE = 3;

    private Main() {
    }

    public static void main(String[] args) {
        // The ECG renderer draws with Java2D; a server has no display (and needs none).
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; used by tests without exiting the JVM. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof org.huizhen.hub.config.ConfigException) {
                cmd.getErr().println("huizhen: " + ex.getMessage());
                return EXIT_USAGE;
            }
            cmd.getErr().println("huizhen: " + ex);
            return EXIT_UNAVAILABLE;
        });
        return cl.execute(args);
    }
}
