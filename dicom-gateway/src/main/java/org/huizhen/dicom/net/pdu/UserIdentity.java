package org.huizhen.dicom.net.pdu;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * User Identity Negotiation sub-item of an A-ASSOCIATE-RQ (PS3.7 D.3.3.7.1, item type 0x58).
 * The password is never printed by {@link #toString()}.
 *
 * @param type one of the {@code TYPE_*} constants
 * @param positiveResponseRequested whether the requestor wants a 0x59 response item
 * @param primaryField username (types 1, 2), or Kerberos ticket / SAML assertion / JWT
 * @param secondaryField the passcode for type 2, empty otherwise
 */
public record UserIdentity(int type, boolean positiveResponseRequested, byte[] primaryField,
    byte[] secondaryField) {
  public static final int TYPE_USERNAME = 1;
  public static final int TYPE_USERNAME_PASSCODE = 2;
  public static final int TYPE_KERBEROS = 3;
  public static final int TYPE_SAML = 4;
  public static final int TYPE_JWT = 5;

  public UserIdentity {
    primaryField = primaryField.clone();
    secondaryField = secondaryField.clone();
  }

  /** Username-only identity (type 1), UTF-8 encoded as PS3.7 D.3.3.7.1 asks. */
  public static UserIdentity username(String username, boolean positiveResponseRequested) {
    return new UserIdentity(TYPE_USERNAME, positiveResponseRequested,
        username.getBytes(StandardCharsets.UTF_8), new byte[0]);
  }

  /** Username and passcode identity (type 2). */
  public static UserIdentity usernamePasscode(String username, String passcode,
      boolean positiveResponseRequested) {
    return new UserIdentity(TYPE_USERNAME_PASSCODE, positiveResponseRequested,
        username.getBytes(StandardCharsets.UTF_8), passcode.getBytes(StandardCharsets.UTF_8));
  }

  /** The username for types 1 and 2. */
  public Optional<String> username() {
    return type == TYPE_USERNAME || type == TYPE_USERNAME_PASSCODE
        ? Optional.of(new String(primaryField, StandardCharsets.UTF_8)) : Optional.empty();
  }

  /** The passcode for type 2. */
  public Optional<String> passcode() {
    return type == TYPE_USERNAME_PASSCODE
        ? Optional.of(new String(secondaryField, StandardCharsets.UTF_8)) : Optional.empty();
  }

  @Override
  public byte[] primaryField() {
    return primaryField.clone();
  }

  @Override
  public byte[] secondaryField() {
    return secondaryField.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserIdentity u && u.type == type
        && u.positiveResponseRequested == positiveResponseRequested
        && Arrays.equals(u.primaryField, primaryField)
        && Arrays.equals(u.secondaryField, secondaryField);
  }

  @Override
  public int hashCode() {
    return type * 31 + Arrays.hashCode(primaryField);
  }

  @Override
  public String toString() {
    return "UserIdentity[type=" + type + ", user=" + username().orElse("<opaque>") + "]";
  }
}
