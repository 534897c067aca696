package org.huizhen.dicom.net.service;

import java.util.HashMap;
import java.util.Map;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseService;

/**
 * The DIMSE services a server offers, by request command field (PS3.7 E.1). Built-in ports for
 * C-ECHO ({@link EchoHandler}, success by default), C-STORE ({@link StoreHandler}), C-FIND
 * ({@link FindHandler}), C-MOVE ({@link MoveHandler}) and C-GET ({@link GetHandler}); any other
 * service registers a {@link DimseService} for its command field.
 *
 * <p>Immutable.
 */
public final class DicomServices {
  private final Map<Integer, DimseService> services;

  private DicomServices(Map<Integer, DimseService> services) {
    this.services = Map.copyOf(services);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** By request command field. */
  public Map<Integer, DimseService> services() {
    return services;
  }

  /** Not thread-safe. */
  public static final class Builder {
    private final Map<Integer, DimseService> services = new HashMap<>();

    private Builder() {
      services.put(CommandSet.C_ECHO_RQ, new EchoService(EchoHandler.success()));
    }

    public Builder echo(EchoHandler handler) {
      return service(CommandSet.C_ECHO_RQ, new EchoService(handler));
    }

    public Builder store(StoreHandler handler) {
      return service(CommandSet.C_STORE_RQ, new StoreService(handler));
    }

    /** C-FIND SCP (PS3.4 C.4.1) on the default worker executor. */
    public Builder find(FindHandler handler) {
      return service(CommandSet.C_FIND_RQ, new FindService(handler));
    }

    /** C-MOVE SCP (PS3.4 C.4.2) on the default worker executor and client configuration. */
    public Builder move(MoveHandler handler) {
      return service(CommandSet.C_MOVE_RQ, new MoveService(handler));
    }

    /** C-GET SCP (PS3.4 C.4.3) on the default worker executor. */
    public Builder get(GetHandler handler) {
      return service(CommandSet.C_GET_RQ, new GetService(handler));
    }

    /** Registers (or replaces) the service for a request command field. */
    public Builder service(int commandField, DimseService service) {
      if ((commandField & 0x8000) != 0) {
        throw new IllegalArgumentException("not a request command field: 0x" + Integer.toHexString(commandField));
      }
      services.put(commandField, service);
      return this;
    }

    public DicomServices build() {
      return new DicomServices(services);
    }
  }
}
