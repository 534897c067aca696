package org.huizhen.hub.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.HubKeys;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.Scopes;
import org.huizhen.hub.security.SecretHash;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.security.TokenVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code huizhen token}: issues an access token signed with the hub's key in a data
 * directory (the key is created there if the directory has none yet, as the hub does at its
 * first start), or with {@code --hash-secret} prints the {@code secret-hash} of an API client
 * secret for {@code auth.api-clients}.
 *
 * <p>The token alone goes to standard output so scripts can capture it; what it grants goes to
 * standard error. Exit 2 for an unknown institution or role, a bad scope or TTL.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Issue an access token signed with the hub's key, or hash an API client secret.",
                "  huizhen token --data DIR --institution ID --role ROLE [--scope S]... [--ttl 12h]",
                "  huizhen token --hash-secret [--secret S]"})
public final class TokenCommand implements Callable<Integer> {
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,6})([smhd])");

    @Spec
    CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: $HUIZHEN_CONFIG, else built-in defaults).")
    Path config;
    @Option(names = "--data", paramLabel = "DIR", description = "The hub's data directory (hub.data-dir); its keys/ holds the signing key.")
    Path data;
    @Option(names = "--institution", paramLabel = "ID", description = "Institution id from the configuration ('demo' in demo mode).")
    String institution;
    @Option(names = "--role", paramLabel = "ROLE", description = "reader, clinic, his or admin.")
    String role;
    @Option(names = "--scope", paramLabel = "S", description = "A granted scope, e.g. user/*.read, system/ImagingStudy.read, dicomweb.read. "
            + "Repeatable. Default: the role's usual scopes.")
    List<String> scopes = new ArrayList<>();
    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "12h", description = "Lifetime: 30m, 12h, 7d or ISO-8601 (PT12H). Default: ${DEFAULT-VALUE}.")
    String ttl;
    @Option(names = "--subject", paramLabel = "SUB", description = "The sub claim (default: cli:ROLE@INSTITUTION).")
    String subject;
    @Option(names = "--accept-any-ae", description = "Demo mode (dicom.accept-any-ae): institution 'demo' is valid.")
    boolean acceptAnyAe;
    @Option(names = "--hash-secret", description = "Print a secret-hash for auth.api-clients instead of a token.")
    boolean hashSecret;
    @Option(names = "--secret", paramLabel = "S", description = "With --hash-secret: the secret to hash (default: a new random one, printed too).")
    String secret;

    /** The scopes a role gets when {@code --scope} is not given. */
    static List<String> defaultScopes(Role role) {
        return switch (role) {
            case READER -> List.of("user/*.read", "dicomweb.read");
            case CLINIC -> List.of("user/*.read", "dicomweb.read", "dicomweb.write");
            case HIS -> List.of("system/*.read", "dicomweb.read");
            case ADMIN -> List.of("user/*.*", "system/*.*", "dicomweb.read", "dicomweb.write");
        };
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hashSecret) {
            return hashSecret(out);
        }
        if (institution == null || role == null) {
            err.println("huizhen token: --institution and --role are required (or use --hash-secret)");
            return Main.EXIT_USAGE;
        }
        HubConfig cfg = loadConfig();
        Optional<Role> r = Role.fromClaim(role);
        if (r.isEmpty()) {
            err.println("huizhen token: HZ-6301 unknown role '" + role + "': use reader, clinic, his or admin");
            return Main.EXIT_USAGE;
        }
        Set<String> known = TokenVerifier.knownInstitutions(cfg);
        if (!known.contains(institution)) {
            err.println("huizhen token: HZ-6302 unknown institution '" + institution + "': configured institutions are "
                    + (known.isEmpty() ? "(none)" : known.stream().sorted().toList())
                    + (cfg.dicom().acceptAnyAe() ? "" : "; 'demo' is valid only in demo mode (--accept-any-ae)"));
            return Main.EXIT_USAGE;
        }
        Optional<Duration> life = parseDuration(ttl);
        Duration max = Duration.ofHours(cfg.auth().maxTokenTtlHours());
        if (life.isEmpty() || life.get().isZero() || life.get().compareTo(max) > 0) {
            err.println("huizhen token: HZ-6303 --ttl '" + ttl + "' must be a positive duration up to "
                    + cfg.auth().maxTokenTtlHours() + "h (auth.max-token-ttl-hours), e.g. 30m, 12h, 7d");
            return Main.EXIT_USAGE;
        }
        List<String> granted = scopes.isEmpty() ? defaultScopes(r.get()) : scopes;
        for (String s : granted) {
            try {
                Scopes.check(s);
            } catch (IllegalArgumentException e) {
                err.println("huizhen token: HZ-6304 " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        Path dataDir = cfg.hub().dataDir();
        if (!Files.isDirectory(dataDir)) {
            err.println("huizhen token: HZ-6305 data directory " + dataDir + " does not exist; give the hub's --data DIR");
            return Main.EXIT_USAGE;
        }
        HubKeys keys = HttpAuth.hubKeys(cfg);
        String sub = subject == null || subject.isBlank() ? "cli:" + role + "@" + institution : subject;
        Instant now = Instant.now();
        String token = new TokenIssuer(cfg.auth(), keys, Clock.fixed(now, java.time.ZoneOffset.UTC))
                .issue(sub, institution, r.get(), granted, life.get());
        out.println(token);
        out.flush();
        err.println("token for " + sub + " (institution " + institution + ", role " + role + ", scope " + String.join(" ", granted)
                + "), expires " + now.plus(life.get()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ", signed with " + keys.algorithm() + " key " + keys.keyId() + " (" + keys.file() + ")");
        err.flush();
        return 0;
    }

    private int hashSecret(PrintWriter out) {
        boolean generated = secret == null;
        String s = generated ? SecretHash.newSecret() : secret;
        if (s.isEmpty()) {
            spec.commandLine().getErr().println("huizhen token: HZ-6306 --secret must not be empty");
            return Main.EXIT_USAGE;
        }
        if (generated) {
            out.println("secret: " + s);
        }
        out.println("secret-hash: \"" + SecretHash.hash(s) + "\"");
        out.flush();
        return 0;
    }

    /** {@code 30m}, {@code 12h}, {@code 7d}, {@code 90s} or an ISO-8601 duration. */
    static Optional<Duration> parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        try {
            Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            return d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private HubConfig loadConfig() {
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("HUIZHEN_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        ConfigLoader loader = ConfigLoader.load(file, System.getenv());
        if (data != null) {
            loader.override("hub.data-dir", data.toString());
        }
        if (acceptAnyAe) {
            loader.override("dicom.accept-any-ae", "true");
        }
        return loader.build();
    }
}
