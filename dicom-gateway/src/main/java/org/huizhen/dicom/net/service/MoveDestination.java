package org.huizhen.dicom.net.service;

import java.util.Optional;
import org.huizhen.dicom.net.TlsConfig;

/** Where a C-MOVE sends its instances: the Move Destination AE and its address (PS3.4 C.4.2.2). */
public record MoveDestination(String aeTitle, String host, int port, Optional<TlsConfig> tls) {

  public static MoveDestination of(String aeTitle, String host, int port) {
    return new MoveDestination(aeTitle, host, port, Optional.empty());
  }
}
