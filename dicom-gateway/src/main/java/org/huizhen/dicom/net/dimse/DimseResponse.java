package org.huizhen.dicom.net.dimse;

import java.util.Optional;

/**
 * A DIMSE response as an SCU receives it.
 *
 * @param status (0000,0900)
 * @param errorComment (0000,0902), if the peer sent one
 * @param command the whole response command set
 */
public record DimseResponse(Status status, Optional<String> errorComment, CommandSet command) {

  public static DimseResponse of(CommandSet command) {
    return new DimseResponse(Status.of(command.getInt(CommandSet.STATUS).orElse(0xC000)),
        command.getString(CommandSet.ERROR_COMMENT), command);
  }
}
