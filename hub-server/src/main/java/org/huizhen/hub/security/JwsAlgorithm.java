package org.huizhen.hub.security;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.Optional;

/**
 * The JWS algorithms the hub signs and verifies with (RFC 7518 3.1): ES256 (ECDSA on P-256
 * with SHA-256; the signature is R||S, 64 bytes, RFC 7518 3.4, which is the JDK's
 * {@code inP1363Format}) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 3.3). Anything
 * else, {@code none} in particular, is refused.
 *
 * <p>Immutable.
 */
public enum JwsAlgorithm {
    ES256("SHA256withECDSAinP1363Format", "EC"),
    RS256("SHA256withRSA", "RSA");

    private final String jdkSignature;
    private final String keyType;

    JwsAlgorithm(String jdkSignature, String keyType) {
        this.jdkSignature = jdkSignature;
        this.keyType = keyType;
    }

    /** The JDK {@link java.security.Signature} algorithm name. */
    public String jdkSignature() {
        return jdkSignature;
    }

    /** The JDK key algorithm ({@code EC} or {@code RSA}), also the JWK {@code kty}. */
    public String keyType() {
        return keyType;
    }

    /** True if {@code key} can be used with this algorithm: P-256 for ES256, RSA of at least 2048 bits for RS256. */
    public boolean fits(Key key) {
        return switch (this) {
            case ES256 -> key instanceof ECKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256;
            case RS256 -> key instanceof RSAKey rsa && rsa.getModulus().bitLength() >= 2048;
        };
    }

    /** The algorithm named {@code alg} in a JWS header, if supported. */
    public static Optional<JwsAlgorithm> fromHeader(String alg) {
        return Arrays.stream(values()).filter(a -> a.name().equals(alg)).findFirst();
    }
}
