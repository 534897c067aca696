package org.huizhen.dicom.net;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.huizhen.dicom.net.assoc.AssociationPolicy;
import org.huizhen.dicom.net.assoc.ExtendedNegotiationPolicy;
import org.huizhen.dicom.net.dimse.PDataAssembler;
import org.huizhen.dicom.net.pdu.PduLimits;

/**
 * Configuration of a {@link DicomServer}. Immutable; build with {@link #builder(String)}.
 *
 * <p>Limits (all configurable): {@code maxAssociations} (open connections; beyond it an
 * A-ASSOCIATE-RQ is rejected transient, service-provider presentation, local limit exceeded),
 * {@code limits.maxPduLengthReceived} (announced Maximum Length,
 * PS3.8 D.1), {@code limits.maxAssociatePduLength}, {@code limits.maxPresentationContexts},
 * {@code limits.maxUserIdentityFieldLength}, {@code maxCommandSetLength},
 * {@code artimTimeout} (PS3.8 9.1.5), {@code idleTimeout} (an established association with no
 * operation in flight that receives nothing this long is aborted), {@code closeTimeout} (how long
 * {@link DicomServer#close()} waits for in-flight operations).
 *
 * @param bindHost address to listen on, e.g. "0.0.0.0" or "127.0.0.1"
 * @param port 0 = an ephemeral port, see {@link DicomServer#port()}
 * @param abstractSyntaxes SOP classes we accept presentation contexts for
 * @param transferSyntaxes transfer syntax UIDs we accept; per context we pick the first proposed
 *     one that appears here
 * @param strictCalledAe reject associations whose Called AE Title is not {@code aeTitle}
 * @param eventLoopGroup an external group (e.g. Vert.x's) to run on; empty = the server's own
 * @param requestorScpRole SOP classes for which a requestor may take the SCP role (PS3.7
 *     D.3.3.4), so that C-GET can send it instances; default the storage SOP classes
 */
public record DicomServerConfig(String aeTitle, String bindHost, int port,
    Predicate<String> abstractSyntaxes, List<String> transferSyntaxes, boolean strictCalledAe,
    AssociationPolicy policy, ExtendedNegotiationPolicy extendedNegotiation,
    Optional<TlsConfig> tls, PduLimits limits, int maxCommandSetLength, Duration artimTimeout,
    Duration idleTimeout, Duration closeTimeout, int maxAssociations,
    Optional<EventLoopGroup> eventLoopGroup, Predicate<String> requestorScpRole) {

  /** Uncompressed, deflated and the common compressed transfer syntaxes (PS3.5 Annex A). */
  public static final List<String> DEFAULT_TRANSFER_SYNTAXES = List.of(
      "1.2.840.10008.1.2.1", // Explicit VR Little Endian
      "1.2.840.10008.1.2", // Implicit VR Little Endian
      "1.2.840.10008.1.2.1.99", // Deflated Explicit VR Little Endian
      "1.2.840.10008.1.2.2", // Explicit VR Big Endian (retired)
      "1.2.840.10008.1.2.4.50", // JPEG Baseline
      "1.2.840.10008.1.2.4.51", // JPEG Extended
      "1.2.840.10008.1.2.4.57", // JPEG Lossless
      "1.2.840.10008.1.2.4.70", // JPEG Lossless SV1
      "1.2.840.10008.1.2.4.80", // JPEG-LS Lossless
      "1.2.840.10008.1.2.4.81", // JPEG-LS Near-Lossless
      "1.2.840.10008.1.2.4.90", // JPEG 2000 Lossless
      "1.2.840.10008.1.2.4.91", // JPEG 2000
      "1.2.840.10008.1.2.5", // RLE Lossless
      "1.2.840.10008.1.2.4.100", // MPEG2
      "1.2.840.10008.1.2.4.102", // MPEG-4 AVC/H.264
      "1.2.840.10008.1.2.4.201", // HTJ2K Lossless
      "1.2.840.10008.1.2.4.203"); // HTJ2K

  public DicomServerConfig {
    Objects.requireNonNull(aeTitle);
    if (aeTitle.isBlank() || aeTitle.length() > 16) {
      throw new IllegalArgumentException("AE title must have 1..16 characters: " + aeTitle);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    transferSyntaxes = List.copyOf(transferSyntaxes);
    if (maxAssociations < 1) {
      throw new IllegalArgumentException("maxAssociations " + maxAssociations);
    }
  }

  public static Builder builder(String aeTitle) {
    return new Builder(aeTitle);
  }

  /** Not thread-safe. */
  public static final class Builder {
    private final String aeTitle;
    private String bindHost = "0.0.0.0";
    private int port = 104;
    private Predicate<String> abstractSyntaxes = uid -> true;
    private List<String> transferSyntaxes = DEFAULT_TRANSFER_SYNTAXES;
    private boolean strictCalledAe = true;
    private AssociationPolicy policy = AssociationPolicy.acceptAll();
    private ExtendedNegotiationPolicy extendedNegotiation = ExtendedNegotiationPolicy.none();
    private TlsConfig tls;
    private PduLimits limits = PduLimits.DEFAULTS;
    private int maxCommandSetLength = PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH;
    private Duration artimTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private int maxAssociations = 200;
    private EventLoopGroup eventLoopGroup;
    private Predicate<String> requestorScpRole = org.huizhen.dicom.net.assoc.Negotiator.STORAGE_SOP_CLASS;

    private Builder(String aeTitle) {
      this.aeTitle = aeTitle;
    }

    public Builder bindHost(String v) { bindHost = v; return this; }
    public Builder port(int v) { port = v; return this; }
    public Builder abstractSyntaxes(Predicate<String> v) { abstractSyntaxes = v; return this; }
    public Builder transferSyntaxes(List<String> v) { transferSyntaxes = v; return this; }
    public Builder strictCalledAe(boolean v) { strictCalledAe = v; return this; }
    public Builder policy(AssociationPolicy v) { policy = v; return this; }
    public Builder extendedNegotiation(ExtendedNegotiationPolicy v) { extendedNegotiation = v; return this; }
    public Builder tls(TlsConfig v) { tls = v; return this; }
    public Builder limits(PduLimits v) { limits = v; return this; }
    public Builder maxPduLength(int v) { limits = limits.withMaxPduLengthReceived(v); return this; }
    public Builder maxCommandSetLength(int v) { maxCommandSetLength = v; return this; }
    public Builder artimTimeout(Duration v) { artimTimeout = v; return this; }
    public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
    public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
    public Builder maxAssociations(int v) { maxAssociations = v; return this; }
    public Builder eventLoopGroup(EventLoopGroup v) { eventLoopGroup = v; return this; }
    public Builder requestorScpRole(Predicate<String> v) { requestorScpRole = v; return this; }

    public DicomServerConfig build() {
      return new DicomServerConfig(aeTitle, bindHost, port, abstractSyntaxes, transferSyntaxes,
          strictCalledAe, policy, extendedNegotiation, Optional.ofNullable(tls), limits,
          maxCommandSetLength, artimTimeout, idleTimeout, closeTimeout, maxAssociations,
          Optional.ofNullable(eventLoopGroup), requestorScpRole);
    }
  }
}
