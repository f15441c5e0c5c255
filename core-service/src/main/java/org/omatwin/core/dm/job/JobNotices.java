package org.omatwin.core.dm.job;

import java.util.List;
import java.util.Optional;
import org.omatwin.core.dm.subscription.DmSubscription;

/**
 * The bodies POSTed about a job (section 5 and 7), rendered as its client may see them (pseudonyms
 * when its policy says so). Empty when the client no longer has a policy: nothing is sent to it.
 */
public interface JobNotices {

    /** jobCompleted: to the job's callbackReference (subscription null) or to a subscription. */
    Optional<String> completed(Job job, DmSubscription subscription);

    /** jobResults: up to 500 executions that ended (pushEach). */
    Optional<String> results(Job job, List<Execution> executions);
}
