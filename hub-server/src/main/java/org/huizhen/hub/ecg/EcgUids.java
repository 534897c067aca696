package org.huizhen.hub.ecg;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.huizhen.storage.BlobId;

/**
 * The UIDs of the DICOM instance the hub generates for a non-DICOM ECG upload, derived from the
 * uploaded file's content and the uploading institution: the same file sent twice by one
 * institution (a client retrying after a lost response) gets the same study, series and SOP
 * Instance UIDs, so a retry finds the first upload instead of creating a second study.
 *
 * <p>Each UID is a UUID turned into a {@code 2.25.} UID (PS3.5 B.2): the UUID is a
 * name-based version 8 UUID whose 122 free bits are the first bits of SHA-256 over
 * "institution | content SHA-256 | role" (RFC 9562 5.8 and its Appendix B.2 example of a
 * SHA-256 name-based UUIDv8), so at most 44 characters and unique with overwhelming probability.
 *
 * <p>Stateless; thread-safe.
 */
public final class EcgUids {
    private EcgUids() {
    }

    /** The study, series and SOP Instance UIDs for {@code original} uploaded by {@code institutionId}. */
    public static EcgDicomEncoder.Identity forUpload(String institutionId, BlobId original, String institutionName) {
        return new EcgDicomEncoder.Identity(uid(institutionId, original, "study"), uid(institutionId, original, "series"),
                uid(institutionId, original, "instance"), institutionName);
    }

    static String uid(String institutionId, BlobId original, String role) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest((institutionId + "|" + original.hex() + "|" + role)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] uuid = java.util.Arrays.copyOf(h, 16);
        uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x80); // version 8 (RFC 9562 5.8)
        uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80); // variant 10xx (RFC 9562 4.1)
        return "2.25." + new BigInteger(1, uuid);
    }
}
