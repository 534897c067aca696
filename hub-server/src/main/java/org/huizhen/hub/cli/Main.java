package org.huizhen.hub.cli;

/** Entry point of the {@code huizhen} command; placeholder until the CLI lands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("huizhen 0.1.0-SNAPSHOT");
    }
}
