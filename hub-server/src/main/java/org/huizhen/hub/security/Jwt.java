package org.huizhen.hub.security;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * JWS Compact Serialization of a JWT (RFC 7515 7.1, RFC 7519 3): three base64url parts,
 * header.claims.signature, signed over the ASCII of {@code header.claims}. Only signing and
 * splitting live here; what a valid token is decides {@link TokenVerifier}.
 *
 * <p>Stateless.
 */
final class Jwt {
    /** Tokens longer than this are refused before any decoding (bytes). */
    static final int MAX_LENGTH = 16 * 1024;

    /** A split, decoded token whose signature is not checked yet. */
    record Parsed(JsonObject header, JsonObject claims, byte[] signingInput, byte[] signature) {
    }

    private Jwt() {
    }

    static String sign(JsonObject header, JsonObject claims, PrivateKey key, JwsAlgorithm alg) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance(alg.jdkSignature());
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + alg, e);
        }
    }

    /**
     * Splits and decodes {@code token}.
     *
     * @throws IllegalArgumentException if it is not three base64url parts of which the first two are JSON objects
     */
    static Parsed parse(String token) {
        if (token.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("token longer than " + MAX_LENGTH + " characters");
        }
        int a = token.indexOf('.');
        int b = a < 0 ? -1 : token.indexOf('.', a + 1);
        if (a < 0 || b < 0 || token.indexOf('.', b + 1) >= 0) {
            throw new IllegalArgumentException("not three dot-separated parts (RFC 7515 7.1)");
        }
        Base64.Decoder d = Base64.getUrlDecoder();
        try {
            JsonObject header = new JsonObject(new String(d.decode(token.substring(0, a)), StandardCharsets.UTF_8));
            JsonObject claims = new JsonObject(new String(d.decode(token.substring(a + 1, b)), StandardCharsets.UTF_8));
            byte[] signature = d.decode(token.substring(b + 1));
            return new Parsed(header, claims, token.substring(0, b).getBytes(StandardCharsets.US_ASCII), signature);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("header or claims are not a JSON object");
        }
    }

    /** True if {@code p}'s signature was made by the private half of {@code key} with {@code alg}. */
    static boolean verify(Parsed p, PublicKey key, JwsAlgorithm alg) {
        try {
            Signature s = Signature.getInstance(alg.jdkSignature());
            s.initVerify(key);
            s.update(p.signingInput());
            return s.verify(p.signature());
        } catch (GeneralSecurityException e) {
            // A malformed signature value (wrong length for ES256) is just a bad signature.
            return false;
        }
    }
}
