package org.omatwin.core.dm.account;

import org.omatwin.core.dm.session.SessionStore;

/**
 * What the ownership use cases need in one transaction: the device's queue and sessions (a SHOW is
 * queued work; unregistering cancels work), the registrations and the subscriber data.
 */
public interface AccountStore extends SessionStore, RegistrationStore {}
