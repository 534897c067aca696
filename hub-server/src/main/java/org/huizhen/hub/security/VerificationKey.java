package org.huizhen.hub.security;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A public key a token may be verified with, with the {@code kid} it is published under (if
 * any) and the one algorithm it may be used with. Read from a JWK Set (RFC 7517 5) or a PEM
 * {@code PUBLIC KEY}.
 *
 * <p>Immutable.
 */
public record VerificationKey(Optional<String> keyId, PublicKey key, JwsAlgorithm algorithm) {

    /**
     * Reads the signing keys of a JWK Set: {@code kty} EC with {@code crv} P-256 (RFC 7518 6.2)
     * or RSA (RFC 7518 6.3); keys marked {@code "use":"enc"} or with another {@code alg} are
     * skipped.
     *
     * @throws IllegalArgumentException if the text is not a JWK Set or holds no usable key
     */
    public static List<VerificationKey> fromJwks(String json) {
        JsonArray keys;
        try {
            keys = new JsonObject(json).getJsonArray("keys");
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("not a JWK Set (a JSON object with a \"keys\" array)");
        }
        if (keys == null) {
            throw new IllegalArgumentException("not a JWK Set (no \"keys\" array)");
        }
        List<VerificationKey> out = new ArrayList<>();
        for (Object o : keys) {
            if (o instanceof JsonObject jwk && !"enc".equals(jwk.getValue("use"))) {
                fromJwk(jwk).ifPresent(out::add);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("JWK Set holds no EC P-256 or RSA signing key");
        }
        return out;
    }

    /** One JWK, if it is an ES256 or RS256 public key. */
    static Optional<VerificationKey> fromJwk(JsonObject jwk) {
        Base64.Decoder d = Base64.getUrlDecoder();
        Optional<String> kid = Optional.ofNullable(jwk.getValue("kid")).map(String::valueOf);
        Object alg = jwk.getValue("alg");
        try {
            if ("EC".equals(jwk.getValue("kty")) && "P-256".equals(jwk.getValue("crv")) && (alg == null || "ES256".equals(alg))) {
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                ECPoint w = new ECPoint(new BigInteger(1, d.decode(jwk.getString("x"))), new BigInteger(1, d.decode(jwk.getString("y"))));
                PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params.getParameterSpec(ECParameterSpec.class)));
                return Optional.of(new VerificationKey(kid, key, JwsAlgorithm.ES256));
            }
            if ("RSA".equals(jwk.getValue("kty")) && (alg == null || "RS256".equals(alg))) {
                PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, d.decode(jwk.getString("n"))), new BigInteger(1, d.decode(jwk.getString("e")))));
                return JwsAlgorithm.RS256.fits(key) ? Optional.of(new VerificationKey(kid, key, JwsAlgorithm.RS256)) : Optional.empty();
            }
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("JWK " + kid.orElse("(no kid)") + " is malformed: " + e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * Reads a PEM {@code PUBLIC KEY} (RFC 7468 13); an EC P-256 key is used for ES256, an RSA
     * key for RS256.
     *
     * @throws IllegalArgumentException if there is no such block or the key fits neither
     */
    public static VerificationKey fromPem(String pem) {
        byte[] der = Pem.first(pem, "PUBLIC KEY").orElseThrow(() -> new IllegalArgumentException("no PEM PUBLIC KEY block"));
        PublicKey key;
        try {
            key = Pem.publicKey(der);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("PUBLIC KEY is neither EC nor RSA: " + e.getMessage());
        }
        for (JwsAlgorithm a : JwsAlgorithm.values()) {
            if (a.fits(key)) {
                return new VerificationKey(Optional.empty(), key, a);
            }
        }
        throw new IllegalArgumentException("PUBLIC KEY is neither EC P-256 nor RSA >= 2048 bits");
    }
}
