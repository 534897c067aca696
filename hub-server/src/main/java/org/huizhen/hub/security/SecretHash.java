package org.huizhen.hub.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing for API client secrets with the JDK's PBKDF2-HMAC-SHA256 (RFC 8018 5.2).
 * The text form, which goes into {@code auth.api-clients[].secret-hash}, is
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<derived key, base64>}; the iteration
 * count travels with the hash so it can be raised later without breaking old entries.
 *
 * <p>Stateless and thread-safe. Hashing is deliberately slow (hundreds of ms at the default
 * cost): never call it on an event loop.
 */
public final class SecretHash {
    /** OWASP Password Storage Cheat Sheet (2023) figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretHash() {
    }

    /** Hashes {@code secret} with a fresh random salt at the default cost. */
    public static String hash(String secret) {
        return hash(secret, DEFAULT_ITERATIONS);
    }

    /** Hashes {@code secret} with a fresh random salt and {@code iterations} (at least 1,000). */
    public static String hash(String secret, int iterations) {
        if (iterations < 1000) {
            throw new IllegalArgumentException("iterations must be at least 1000");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] key = derive(secret, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    }

    /**
     * True if {@code secret} matches {@code encoded}; false for a wrong secret or a malformed
     * hash. Compares in constant time.
     */
    public static boolean matches(String secret, String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (iterations < 1000 || iterations > 10_000_000 || expected.length != KEY_BITS / 8) {
                return false;
            }
            return MessageDigest.isEqual(expected, derive(secret, salt, iterations));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True if {@code encoded} has the form {@link #hash} produces. */
    public static boolean wellFormed(String encoded) {
        return encoded != null && encoded.matches("pbkdf2-sha256\\$[0-9]{4,8}\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]{43}");
    }

    /** A new random secret: 32 bytes, base64url (43 characters). */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] derive(String secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
