package org.omatwin.core.dm;

import org.omatwin.core.dm.alert.AlertStore;
import org.omatwin.core.dm.pkg.PackageStore;
import org.omatwin.core.dm.session.SessionStore;

/**
 * Everything the DM domain stores, the one interface the PostgreSQL implementation provides: devices
 * and their tree, the data repository, operations and commands, sessions and packages, alerts. The
 * use cases each ask only for the slice they need.
 */
public interface DmStore extends SessionStore, AlertStore, PackageStore {}
