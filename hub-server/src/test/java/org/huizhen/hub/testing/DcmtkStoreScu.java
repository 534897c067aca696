package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Command lines for DCMTK's {@code storescu} that send each file in its own transfer syntax:
 * an association configuration file ({@code -xf FILE Profile}, DCMTK's INI format) proposes
 * exactly one presentation context per distinct (SOP class, transfer syntax) of the files, each
 * with only that syntax, so storescu has no reason to convert anything.
 *
 * <p>Stateless; thread-safe.
 */
public final class DcmtkStoreScu {
    private static final String PROFILE = "OwnSyntaxes";

    private DcmtkStoreScu() {
    }

    /** Writes the association configuration for {@code files} to {@code dir/storescu.cfg}. */
    public static Path profile(Path dir, List<InteropFiles.Part10> files) {
        List<String> syntaxes = files.stream().map(InteropFiles.Part10::transferSyntaxUid).filter(Objects::nonNull)
                .distinct().sorted().toList();
        List<String> contexts = files.stream().filter(f -> f.sopClassUid() != null && !f.sopClassUid().isEmpty())
                .map(f -> f.sopClassUid() + "\\TS" + syntaxes.indexOf(f.transferSyntaxUid())).distinct().sorted().toList();
        StringBuilder ini = new StringBuilder("[[TransferSyntaxes]]\n");
        for (int i = 0; i < syntaxes.size(); i++) {
            ini.append("[TS").append(i).append("]\nTransferSyntax1 = ").append(syntaxes.get(i)).append('\n');
        }
        ini.append("[[PresentationContexts]]\n[Contexts]\n");
        for (int i = 0; i < contexts.size(); i++) {
            ini.append("PresentationContext").append(i + 1).append(" = ").append(contexts.get(i)).append('\n');
        }
        ini.append("[[Profiles]]\n[").append(PROFILE).append("]\nPresentationContexts = Contexts\n");
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("storescu.cfg");
            Files.writeString(file, ini);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code storescu -aet callingAe -aec calledAe -nh -xf profile Profile 127.0.0.1 port files...}
     * ({@code -nh}: do not halt at the first unsuccessful store, so every file is tried).
     */
    public static List<String> command(String callingAe, String calledAe, int port, Path profile,
                                       List<InteropFiles.Part10> files, String... extraArgs) {
        DcmtkTools.requireTool("storescu");
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", callingAe, "-aec", calledAe, "-nh"));
        cmd.addAll(List.of(extraArgs));
        cmd.addAll(List.of("-xf", profile.toString(), PROFILE, "127.0.0.1", String.valueOf(port)));
        files.forEach(f -> cmd.add(f.file().toString()));
        return cmd;
    }
}
