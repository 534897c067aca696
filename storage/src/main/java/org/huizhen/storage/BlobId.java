package org.huizhen.storage;

import java.util.HexFormat;

/**
 * Identity of a blob: the SHA-256 of its bytes as 64 lowercase hex characters. Because the id
 * is the content hash, identical content is stored once and an id never names two different
 * byte sequences.
 *
 * <p>Immutable value; thread-safe.
 *
 * @param hex 64 lowercase hexadecimal characters
 */
public record BlobId(String hex) {

    /** Length of a SHA-256 digest in hex characters. */
    public static final int HEX_LENGTH = 64;

    public BlobId {
        if (hex == null || hex.length() != HEX_LENGTH) {
            throw new IllegalArgumentException("HZ-2001 blob id must be " + HEX_LENGTH
                    + " lowercase hex characters, got " + (hex == null ? "null" : "'" + hex + "'"));
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(
                        "HZ-2001 blob id must be lowercase hex, got '" + hex + "'");
            }
        }
    }

    /** Parses an id as written by {@link #hex()}; throws {@link IllegalArgumentException} (HZ-2001) if malformed. */
    public static BlobId parse(String hex) {
        return new BlobId(hex);
    }

    /** The id of a finished SHA-256 digest (32 bytes). */
    public static BlobId ofDigest(byte[] sha256) {
        if (sha256.length != HEX_LENGTH / 2) {
            throw new IllegalArgumentException("HZ-2001 SHA-256 digest must be 32 bytes, got " + sha256.length);
        }
        return new BlobId(HexFormat.of().formatHex(sha256));
    }

    @Override
    public String toString() {
        return hex;
    }
}
