package org.omatwin.core.dm.care;

import org.omatwin.core.dm.pkg.SignedPackage;

/**
 * A Verified package the device may install: its targets match the device's manufacturer, model and
 * version ({@code fromVersion}: the FwV for firmware, the SwV otherwise, as last reported).
 */
public record AvailableUpdate(SignedPackage pkg, String fromVersion) {}
