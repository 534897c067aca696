package org.huizhen.hub.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The hub's typed configuration: one immutable tree of records, read by {@link ConfigLoader}
 * from the bundled defaults, an optional YAML file and {@code HUIZHEN_*} environment
 * variables, then checked by {@link #validate()}. Keys are the kebab-case names below.
 *
 * <p>Immutable; safe to share between threads.
 */
public record HubConfig(Hub hub, Dicom dicom, Http http, Storage storage, List<Institution> institutions, Auth auth,
                        Ecg ecg) {

    /** {@code hub.*}: where data lives and how this node is named. */
    public record Hub(@JsonProperty("data-dir") Path dataDir, @JsonProperty("node-name") String nodeName) {
    }

    /** {@code dicom.*}: the DIMSE listener. */
    public record Dicom(@JsonProperty("ae-title") String aeTitle, String bind, int port,
                        @JsonProperty("max-pdu-length") int maxPduLength,
                        @JsonProperty("accept-any-ae") boolean acceptAnyAe,
                        @JsonProperty("default-character-set") String defaultCharacterSet,
                        @JsonProperty("strict-called-ae") boolean strictCalledAe,
                        @JsonProperty("artim-timeout-seconds") int artimTimeoutSeconds,
                        @JsonProperty("move-destinations") List<MoveDestination> moveDestinations,
                        Tls tls) {
        public List<MoveDestination> moveDestinations() {
            return moveDestinations == null ? List.of() : moveDestinations;
        }
    }

    /** A C-MOVE destination: the AE title a C-MOVE-RQ names, and where it listens. */
    public record MoveDestination(@JsonProperty("ae-title") String aeTitle, String host, int port) {
    }

    /** {@code dicom.tls.*}: DICOM over TLS, PS3.15 Annex B. Paths are PEM files. */
    public record Tls(boolean enabled, int port, String certificate,
                      @JsonProperty("private-key") String privateKey,
                      @JsonProperty("trusted-certificates") String trustedCertificates,
                      @JsonProperty("require-client-auth") boolean requireClientAuth) {
    }

    /** {@code http.*}: the HTTP listener (health now; DICOMweb, REST and UI later). */
    public record Http(String bind, int port) {
    }

    /**
     * {@code storage.*}. {@code blob-write}: {@code buffered} (through the page cache) or
     * {@code direct} (O_DIRECT for whole blocks, falling back to the page cache where the file
     * system refuses it); see the defaults file for when to choose which.
     */
    public record Storage(boolean fsync, @JsonProperty("blob-write") String blobWrite,
                          @JsonProperty("blob-cache") String blobCache, Index index) {
        public boolean directBlobWrites() {
            return "direct".equals(blobWrite);
        }

        /**
         * {@code blob-cache}: bytes of recently stored blobs kept in memory with direct writes.
         * {@code auto}: an eighth of the machine's memory, at most 4 GiB and at most half of the
         * JVM's direct memory limit ({@code -XX:MaxDirectMemorySize}, by default the heap's
         * maximum); else a size ({@code 0}, {@code 512m}, {@code 2g}, bytes).
         */
        public long blobCacheBytes(long physicalMemory, long maxDirectMemory) {
            long n = parseSize(blobCache);
            return n >= 0 ? n : Math.min(Math.min(physicalMemory / 8, 4L << 30), maxDirectMemory / 2);
        }

        /** A size as in the file: -1 for {@code auto}; IllegalArgumentException if malformed. */
        static long parseSize(String v) {
            String t = v == null ? "auto" : v.strip().toLowerCase(java.util.Locale.ROOT);
            if (t.equals("auto")) {
                return -1;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})([kmg]?)").matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException("must be 'auto' or a size such as 0, 512m or 2g, got '" + v + "'");
            }
            int shift = switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            return Long.parseLong(m.group(1)) << shift;
        }
    }

    /** {@code storage.index.*}: H2 embedded under the data directory, or PostgreSQL. */
    public record Index(String kind, String url, String user, String password, String schema) {
        public boolean isPostgres() {
            return "postgres".equals(kind);
        }
    }

    /** One consortium member. {@code role} is {@code lead-hospital} or {@code clinic}. */
    public record Institution(String id, String name, String role, List<AeEntry> aes) {
        public List<AeEntry> aes() {
            return aes == null ? List.of() : aes;
        }
    }

    /** A calling AE title an institution's device uses, optionally bound to one host. */
    public record AeEntry(@JsonProperty("ae-title") String aeTitle, String host) {
        public Optional<String> hostOpt() {
            return host == null || host.isBlank() ? Optional.empty() : Optional.of(host.trim());
        }
    }

    public List<Institution> institutions() {
        return institutions == null ? List.of() : institutions;
    }

    /**
     * {@code auth.*}: HTTP authentication. The hub signs its own tokens ({@code issuer},
     * {@code audience}, key under {@code <data-dir>/keys/}); consortium OAuth2 servers are
     * {@code trusted-issuers}; systems such as a HIS may use HTTP Basic as an {@code api-client}.
     */
    public record Auth(String issuer, String audience,
                       @JsonProperty("signing-algorithm") String signingAlgorithm,
                       @JsonProperty("clock-skew-seconds") int clockSkewSeconds,
                       @JsonProperty("max-token-ttl-hours") int maxTokenTtlHours,
                       @JsonProperty("trusted-issuers") List<TrustedIssuer> trustedIssuers,
                       @JsonProperty("api-clients") List<ApiClient> apiClients) {
        /** What a configuration without an {@code auth} section means. */
        public static final Auth DEFAULT = new Auth("urn:huizhen:hub", "huizhen-hub", "ES256", 60, 24 * 30, List.of(), List.of());

        public List<TrustedIssuer> trustedIssuers() {
            return trustedIssuers == null ? List.of() : trustedIssuers;
        }

        public List<ApiClient> apiClients() {
            return apiClients == null ? List.of() : apiClients;
        }
    }

    /**
     * An external OAuth2 server of the consortium whose tokens the hub accepts: its keys come
     * from a JWKS file (RFC 7517 5) or one PEM public key (a path, or the PEM text itself).
     * {@code audience} empty means the hub's own {@code auth.audience}.
     */
    public record TrustedIssuer(String issuer, @JsonProperty("jwks-file") String jwksFile,
                                @JsonProperty("public-key-pem") String publicKeyPem, String audience) {
    }

    /**
     * A system (e.g. a HIS) that authenticates with HTTP Basic. {@code secret-hash} is what
     * {@code huizhen token --hash-secret} prints; the secret itself is never configured.
     */
    public record ApiClient(@JsonProperty("client-id") String clientId, @JsonProperty("secret-hash") String secretHash,
                            String institution, String role, List<String> scopes) {
        public List<String> scopes() {
            return scopes == null ? List.of() : scopes;
        }
    }

    public Auth auth() {
        return auth == null ? Auth.DEFAULT : auth;
    }

    /**
     * {@code ecg.*}: the tele-ECG service. {@code max-upload-bytes} bounds {@code POST /api/ecg}
     * bodies; {@code critical} is the table of critical-pattern rules that raise an ECG to STAT.
     */
    public record Ecg(@JsonProperty("max-upload-bytes") long maxUploadBytes, Critical critical) {
        /** What a configuration without an {@code ecg} section means (the bundled defaults). */
        public static final Ecg DEFAULT = new Ecg(64L << 20, Critical.DEFAULT);

        public Critical critical() {
            return critical == null ? Critical.DEFAULT : critical;
        }
    }

    /**
     * {@code ecg.critical.*}: thresholds of the ECG critical-pattern screen (心电图危急值; defaults
     * from Chinese provincial critical-value lists): an RR pause of at least {@code pause-seconds},
     * a mean rate below {@code bradycardia-bpm}, a rate of at least {@code tachycardia-bpm} sustained
     * {@code tachycardia-seconds}, ST elevation of at least {@code st-elevation-limb-v4-v6-mv} in limb
     * leads and V4-V6 or over {@code st-elevation-v1-v3-mv} in V1-V3.
     */
    public record Critical(@JsonProperty("pause-seconds") double pauseSeconds,
                           @JsonProperty("bradycardia-bpm") double bradycardiaBpm,
                           @JsonProperty("tachycardia-bpm") double tachycardiaBpm,
                           @JsonProperty("tachycardia-seconds") double tachycardiaSeconds,
                           @JsonProperty("st-elevation-limb-v4-v6-mv") double stElevationLimbV4V6Mv,
                           @JsonProperty("st-elevation-v1-v3-mv") double stElevationV1V3Mv) {
        public static final Critical DEFAULT = new Critical(3.0, 35, 150, 30, 0.1, 0.3);
    }

    public Ecg ecg() {
        return ecg == null ? Ecg.DEFAULT : ecg;
    }

    /**
     * Checks every value a user can get wrong and throws naming the key.
     *
     * @throws ConfigException with the first problem found
     */
    public HubConfig validate() {
        require(hub != null && hub.dataDir() != null && !hub.dataDir().toString().isBlank(), "hub.data-dir", "must be a directory path");
        checkAeTitle("dicom.ae-title", dicom.aeTitle());
        checkPort("dicom.port", dicom.port());
        checkPort("http.port", http.port());
        require(dicom.maxPduLength() >= 4096 && dicom.maxPduLength() <= 16 * 1024 * 1024, "dicom.max-pdu-length",
                "must be between 4096 and 16777216 bytes, got " + dicom.maxPduLength());
        require(dicom.artimTimeoutSeconds() > 0 && dicom.artimTimeoutSeconds() <= 3600, "dicom.artim-timeout-seconds",
                "must be 1..3600, got " + dicom.artimTimeoutSeconds());
        java.util.Set<String> destinations = new java.util.HashSet<>();
        for (int i = 0; i < dicom.moveDestinations().size(); i++) {
            MoveDestination d = dicom.moveDestinations().get(i);
            String key = "dicom.move-destinations[" + i + "]";
            checkAeTitle(key + ".ae-title", d.aeTitle());
            require(destinations.add(d.aeTitle().trim()), key + ".ae-title", "'" + d.aeTitle() + "' is listed twice");
            require(!blank(d.host()), key + ".host", "is required");
            require(d.port() >= 1 && d.port() <= 65535, key + ".port", "must be 1..65535, got " + d.port());
        }
        if (dicom.defaultCharacterSet() != null && !dicom.defaultCharacterSet().isBlank()) {
            try {
                org.huizhen.dicom.data.SpecificCharacterSet.valueOf(dicom.defaultCharacterSet().trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("dicom.default-character-set", "is not a Specific Character Set defined term: "
                        + e.getMessage());
            }
        }
        if (dicom.tls() != null && dicom.tls().enabled()) {
            checkPort("dicom.tls.port", dicom.tls().port());
            require(!blank(dicom.tls().certificate()), "dicom.tls.certificate", "is required when dicom.tls.enabled is true");
            require(!blank(dicom.tls().privateKey()), "dicom.tls.private-key", "is required when dicom.tls.enabled is true");
            require(!dicom.tls().requireClientAuth() || !blank(dicom.tls().trustedCertificates()),
                    "dicom.tls.trusted-certificates", "is required when dicom.tls.require-client-auth is true");
        }
        require("direct".equals(storage.blobWrite()) || "buffered".equals(storage.blobWrite()), "storage.blob-write",
                "must be 'direct' or 'buffered', got '" + storage.blobWrite() + "'");
        try {
            Storage.parseSize(storage.blobCache());
        } catch (IllegalArgumentException e) {
            require(false, "storage.blob-cache", e.getMessage());
        }
        require("h2".equals(storage.index().kind()) || "postgres".equals(storage.index().kind()), "storage.index.kind",
                "must be 'h2' or 'postgres', got '" + storage.index().kind() + "'");
        if (storage.index().isPostgres()) {
            require(!blank(storage.index().url()) && storage.index().url().startsWith("jdbc:postgresql:"), "storage.index.url",
                    "must be a jdbc:postgresql: URL when storage.index.kind is postgres");
            require(!blank(storage.index().schema()) && storage.index().schema().matches("[a-z_][a-z0-9_]{0,62}"),
                    "storage.index.schema", "must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)");
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.Set<String> aets = new java.util.HashSet<>();
        for (int i = 0; i < institutions().size(); i++) {
            Institution inst = institutions().get(i);
            String key = "institutions[" + i + "]";
            require(inst.id() != null && inst.id().matches("[A-Za-z0-9._-]{1,64}"), key + ".id",
                    "must be 1-64 letters, digits, '.', '_' or '-'");
            require(ids.add(inst.id()), key + ".id", "duplicates another institution's id '" + inst.id() + "'");
            require("lead-hospital".equals(inst.role()) || "clinic".equals(inst.role()), key + ".role",
                    "must be 'lead-hospital' or 'clinic', got '" + inst.role() + "'");
            for (int j = 0; j < inst.aes().size(); j++) {
                AeEntry ae = inst.aes().get(j);
                checkAeTitle(key + ".aes[" + j + "].ae-title", ae.aeTitle());
                require(aets.add(ae.aeTitle().trim() + "@" + ae.hostOpt().orElse("*")), key + ".aes[" + j + "].ae-title",
                        "'" + ae.aeTitle() + "' is configured twice");
            }
        }
        validateAuth(ids);
        validateEcg();
        return this;
    }

    private void validateEcg() {
        Ecg e = ecg();
        // 64 MiB is the ECG readers' own ceiling (EcgReaders.MAX_FILE_BYTES): a larger body could never be read
        require(e.maxUploadBytes() >= 1024 && e.maxUploadBytes() <= (64L << 20), "ecg.max-upload-bytes",
                "must be 1024..67108864, got " + e.maxUploadBytes());
        Critical c = e.critical();
        require(c.pauseSeconds() >= 1 && c.pauseSeconds() <= 20, "ecg.critical.pause-seconds",
                "must be 1..20 s, got " + c.pauseSeconds());
        require(c.bradycardiaBpm() >= 10 && c.bradycardiaBpm() <= 100, "ecg.critical.bradycardia-bpm",
                "must be 10..100 /min, got " + c.bradycardiaBpm());
        require(c.tachycardiaBpm() >= 100 && c.tachycardiaBpm() <= 300, "ecg.critical.tachycardia-bpm",
                "must be 100..300 /min, got " + c.tachycardiaBpm());
        require(c.tachycardiaSeconds() >= 1 && c.tachycardiaSeconds() <= 600, "ecg.critical.tachycardia-seconds",
                "must be 1..600 s, got " + c.tachycardiaSeconds());
        require(c.stElevationLimbV4V6Mv() >= 0.01 && c.stElevationLimbV4V6Mv() <= 2, "ecg.critical.st-elevation-limb-v4-v6-mv",
                "must be 0.01..2 mV, got " + c.stElevationLimbV4V6Mv());
        require(c.stElevationV1V3Mv() >= 0.01 && c.stElevationV1V3Mv() <= 2, "ecg.critical.st-elevation-v1-v3-mv",
                "must be 0.01..2 mV, got " + c.stElevationV1V3Mv());
    }

    private void validateAuth(java.util.Set<String> institutionIds) {
        Auth a = auth();
        require(!blank(a.issuer()), "auth.issuer", "must not be empty");
        require(!blank(a.audience()), "auth.audience", "must not be empty");
        require("ES256".equals(a.signingAlgorithm()) || "RS256".equals(a.signingAlgorithm()), "auth.signing-algorithm",
                "must be 'ES256' or 'RS256', got '" + a.signingAlgorithm() + "'");
        require(a.clockSkewSeconds() >= 0 && a.clockSkewSeconds() <= 600, "auth.clock-skew-seconds",
                "must be 0..600, got " + a.clockSkewSeconds());
        require(a.maxTokenTtlHours() >= 1 && a.maxTokenTtlHours() <= 24 * 366, "auth.max-token-ttl-hours",
                "must be 1..8784, got " + a.maxTokenTtlHours());
        java.util.Set<String> issuers = new java.util.HashSet<>(java.util.Set.of(a.issuer()));
        for (int i = 0; i < a.trustedIssuers().size(); i++) {
            TrustedIssuer t = a.trustedIssuers().get(i);
            String key = "auth.trusted-issuers[" + i + "]";
            require(!blank(t.issuer()), key + ".issuer", "must not be empty");
            require(issuers.add(t.issuer()), key + ".issuer", "'" + t.issuer() + "' is configured twice (or is the hub's own auth.issuer)");
            require(blank(t.jwksFile()) != blank(t.publicKeyPem()), key,
                    "needs exactly one of jwks-file and public-key-pem");
        }
        java.util.Set<String> clients = new java.util.HashSet<>();
        java.util.Set<String> roles = java.util.Set.of("reader", "clinic", "his", "admin");
        for (int i = 0; i < a.apiClients().size(); i++) {
            ApiClient c = a.apiClients().get(i);
            String key = "auth.api-clients[" + i + "]";
            require(c.clientId() != null && c.clientId().matches("[A-Za-z0-9._-]{1,64}"), key + ".client-id",
                    "must be 1-64 letters, digits, '.', '_' or '-'");
            require(clients.add(c.clientId()), key + ".client-id", "duplicates another client's id '" + c.clientId() + "'");
            require(!blank(c.secretHash()) && c.secretHash().startsWith("pbkdf2-sha256$"), key + ".secret-hash",
                    "must be a hash printed by 'huizhen token --hash-secret' (pbkdf2-sha256$...)");
            require(c.institution() != null && (institutionIds.contains(c.institution())
                            || (dicom.acceptAnyAe() && "demo".equals(c.institution()))), key + ".institution",
                    "'" + c.institution() + "' is not a configured institution id");
            require(roles.contains(c.role()), key + ".role", "must be one of reader, clinic, his, admin; got '" + c.role() + "'");
        }
    }

    private static void checkAeTitle(String key, String aet) {
        // PS3.5 Table 6.2-1, VR AE: 16 bytes max, default repertoire without control characters
        // or backslash; leading/trailing spaces are not significant and all-spaces is invalid.
        require(aet != null && !aet.isBlank() && aet.trim().length() <= 16 && aet.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '\\'),
                key, "must be 1-16 printable ASCII characters without '\\', got '" + aet + "'");
    }

    private static void checkPort(String key, int port) {
        require(port >= 0 && port <= 65535, key, "must be 0..65535 (0 = any free port), got " + port);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }
}
