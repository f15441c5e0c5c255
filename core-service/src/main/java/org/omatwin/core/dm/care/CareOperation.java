package org.omatwin.core.dm.care;

import org.omatwin.core.dm.operation.Operation;
import org.omatwin.core.dm.pkg.SignedPackage;

/**
 * An operation the subscriber started, with the package it names (null if it was deleted since) and the
 * firmware version the device's profile records now (after a successful update: the new one).
 */
public record CareOperation(Operation operation, SignedPackage pkg, String currentFirmwareVersion) {}
