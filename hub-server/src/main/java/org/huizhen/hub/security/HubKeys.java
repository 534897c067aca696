package org.huizhen.hub.security;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own token signing key pair, kept in {@code <data-dir>/keys/hub-signing-<alg>.pem}
 * (a PKCS #8 {@code PRIVATE KEY} block followed by its {@code PUBLIC KEY}, RFC 7468). The file
 * is created at first use with mode 600 in a directory of mode 700, and reused afterwards so
 * tokens stay valid across restarts; a file that has become group/world readable is set back
 * to 600 with a warning.
 *
 * <p>Creation is race-free between processes (a hub starting while {@code huizhen token}
 * runs): the pair is written to a private temp file, fsynced, and hard-linked to the final
 * name, which fails if another process got there first - then that process's key is used.
 *
 * <p>Immutable after {@link #loadOrCreate}; thread-safe.
 */
public final class HubKeys {
    private static final Logger LOG = LoggerFactory.getLogger(HubKeys.class);
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_RWX = PosixFilePermissions.fromString("rwx------");

    private final JwsAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final Path file;

    private HubKeys(JwsAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey, Path file) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = thumbprint(publicKey);
        this.file = file;
    }

    /**
     * Loads the {@code algorithm} key pair from {@code keyDir}, generating it first if absent.
     *
     * @throws IOException if the directory or file cannot be created or read, or the file does
     *                     not hold a usable key pair of that algorithm (message starts {@code HZ-6201})
     */
    public static HubKeys loadOrCreate(Path keyDir, JwsAlgorithm algorithm) throws IOException {
        Path file = keyDir.resolve("hub-signing-" + algorithm.name().toLowerCase(java.util.Locale.ROOT) + ".pem");
        if (!Files.exists(file)) {
            create(keyDir, file, algorithm);
        }
        restrictPermissions(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            byte[] priv = Pem.first(text, "PRIVATE KEY").orElseThrow(() -> new GeneralSecurityException("no PRIVATE KEY block"));
            byte[] pub = Pem.first(text, "PUBLIC KEY").orElseThrow(() -> new GeneralSecurityException("no PUBLIC KEY block"));
            PublicKey publicKey = Pem.publicKey(pub);
            PrivateKey privateKey = Pem.privateKey(priv, algorithm.keyType());
            if (!algorithm.fits(publicKey)) {
                throw new GeneralSecurityException("key does not fit " + algorithm);
            }
            return new HubKeys(algorithm, privateKey, publicKey, file);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("HZ-6201 signing key file " + file + " is unusable: " + e.getMessage(), e);
        }
    }

    private static void create(Path keyDir, Path file, JwsAlgorithm algorithm) throws IOException {
        boolean posix = keyDir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(keyDir)) {
            if (posix) {
                Files.createDirectories(keyDir, PosixFilePermissions.asFileAttribute(OWNER_RWX));
            } else {
                Files.createDirectories(keyDir);
            }
        }
        KeyPair pair = generate(algorithm);
        String text = Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()) + Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded());
        Path tmp = posix ? Files.createTempFile(keyDir, ".hub-signing-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_RW))
                : Files.createTempFile(keyDir, ".hub-signing-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
                LOG.info("generated {} token signing key {}", algorithm, file);
            } catch (FileAlreadyExistsException raced) {
                LOG.info("token signing key {} was created concurrently; using it", file);
            } catch (UnsupportedOperationException noLinks) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (posix) {
            try (FileChannel dir = FileChannel.open(keyDir, StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                LOG.debug("cannot fsync {}: {}", keyDir, e.toString());
            }
        }
    }

    private static void restrictPermissions(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!perms.equals(OWNER_RW)) {
            LOG.warn("HZ-6202 token signing key {} had mode {}; set back to rw-------", file, PosixFilePermissions.toString(perms));
            Files.setPosixFilePermissions(file, OWNER_RW);
        }
    }

    private static KeyPair generate(JwsAlgorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.keyType());
            if (algorithm == JwsAlgorithm.ES256) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + algorithm + " keys", e);
        }
    }

    /** JWK key id: the first 16 characters of the base64url SHA-256 of the SubjectPublicKeyInfo. */
    private static String thumbprint(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public JwsAlgorithm algorithm() {
        return algorithm;
    }

    /** The {@code kid} put in the header of tokens signed with this key. */
    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Package-private: only {@link TokenIssuer} signs. */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** The key file. */
    public Path file() {
        return file;
    }

    /** The public key as a JWK (RFC 7517 4, RFC 7518 6.2/6.3), for relying parties. */
    public JsonObject publicJwk() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        JsonObject jwk = new JsonObject().put("kty", algorithm.keyType()).put("use", "sig").put("alg", algorithm.name()).put("kid", keyId);
        if (publicKey instanceof ECPublicKey ec) {
            jwk.put("crv", "P-256")
                    .put("x", b64.encodeToString(unsigned(ec.getW().getAffineX(), 32)))
                    .put("y", b64.encodeToString(unsigned(ec.getW().getAffineY(), 32)));
        } else if (publicKey instanceof RSAPublicKey rsa) {
            jwk.put("n", b64.encodeToString(unsigned(rsa.getModulus(), 0)))
                    .put("e", b64.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
        }
        return jwk;
    }

    /** Big-endian unsigned bytes, left-padded to {@code length} (0: minimal), RFC 7518 2 "Base64urlUInt". */
    static byte[] unsigned(java.math.BigInteger v, int length) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (length > b.length) {
            byte[] padded = new byte[length];
            System.arraycopy(b, 0, padded, length - b.length, b.length);
            return padded;
        }
        return b;
    }
}
