package org.huizhen.hub.security;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM text encoding of keys (RFC 7468): {@code PRIVATE KEY} is PKCS #8 (RFC 7468 10),
 * {@code PUBLIC KEY} is SubjectPublicKeyInfo (RFC 7468 13). Only unencrypted keys.
 *
 * <p>Stateless.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    static List<Block> blocks(String text) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return out;
    }

    static Optional<byte[]> first(String text, String label) {
        return blocks(text).stream().filter(b -> b.label().equals(label)).map(Block::der).findFirst();
    }

    /** Reads a SubjectPublicKeyInfo of either key type. */
    static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String type : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    static PrivateKey privateKey(byte[] der, String type) throws GeneralSecurityException {
        return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
