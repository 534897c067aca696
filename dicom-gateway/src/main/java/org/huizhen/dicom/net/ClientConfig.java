package org.huizhen.dicom.net;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Optional;
import org.huizhen.dicom.net.dimse.PDataAssembler;
import org.huizhen.dicom.net.pdu.PduLimits;
import org.huizhen.dicom.net.pdu.UserIdentity;

/**
 * Configuration of an outgoing association ({@link DicomClient}). Immutable; build with
 * {@link #builder(String, String, String, int)}.
 *
 * <p>Limits: {@code limits} (announced Maximum Length and decode limits for what the peer sends),
 * {@code maxCommandSetLength}, {@code connectTimeout}, {@code artimTimeout} (for the A-ASSOCIATE
 * answer and the A-RELEASE-RP), {@code responseTimeout} (for each DIMSE response once the
 * request is sent; zero = none).
 *
 * @param eventLoopGroup the group to run on; empty = a shared daemon group
 */
public record ClientConfig(String callingAe, String calledAe, String host, int port,
    Optional<UserIdentity> userIdentity, Optional<TlsConfig> tls, PduLimits limits,
    int maxCommandSetLength, Duration connectTimeout, Duration artimTimeout,
    Duration responseTimeout, Optional<EventLoopGroup> eventLoopGroup) {

  public ClientConfig {
    for (String ae : new String[] {callingAe, calledAe}) {
      // PS3.5 6.2 AE: 1..16 characters, not only spaces
      if (ae == null || ae.isBlank() || ae.length() > 16) {
        throw new IllegalArgumentException("AE title must have 1..16 characters: " + ae);
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  public static Builder builder(String callingAe, String calledAe, String host, int port) {
    return new Builder(callingAe, calledAe, host, port);
  }

  /** Not thread-safe. */
  public static final class Builder {
    private final String callingAe;
    private final String calledAe;
    private final String host;
    private final int port;
    private UserIdentity userIdentity;
    private TlsConfig tls;
    private PduLimits limits = PduLimits.DEFAULTS;
    private int maxCommandSetLength = PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration artimTimeout = Duration.ofSeconds(30);
    private Duration responseTimeout = Duration.ofMinutes(10);
    private EventLoopGroup eventLoopGroup;

    private Builder(String callingAe, String calledAe, String host, int port) {
      this.callingAe = callingAe;
      this.calledAe = calledAe;
      this.host = host;
      this.port = port;
    }

    public Builder userIdentity(UserIdentity v) { userIdentity = v; return this; }
    public Builder tls(TlsConfig v) { tls = v; return this; }
    public Builder limits(PduLimits v) { limits = v; return this; }
    public Builder maxPduLength(int v) { limits = limits.withMaxPduLengthReceived(v); return this; }
    public Builder maxCommandSetLength(int v) { maxCommandSetLength = v; return this; }
    public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
    public Builder artimTimeout(Duration v) { artimTimeout = v; return this; }
    public Builder responseTimeout(Duration v) { responseTimeout = v; return this; }
    public Builder eventLoopGroup(EventLoopGroup v) { eventLoopGroup = v; return this; }

    public ClientConfig build() {
      return new ClientConfig(callingAe, calledAe, host, port, Optional.ofNullable(userIdentity),
          Optional.ofNullable(tls), limits, maxCommandSetLength, connectTimeout, artimTimeout,
          responseTimeout, Optional.ofNullable(eventLoopGroup));
    }
  }
}
