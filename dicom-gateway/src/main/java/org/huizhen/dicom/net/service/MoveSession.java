package org.huizhen.dicom.net.service;

import java.util.List;

/** What a {@link MoveHandler} resolved a C-MOVE to: the destination and the instances to send. */
public record MoveSession(MoveDestination destination, List<RetrieveInstance> instances) {
  public MoveSession {
    instances = List.copyOf(instances);
  }
}
