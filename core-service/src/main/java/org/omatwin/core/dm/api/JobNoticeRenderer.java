package org.omatwin.core.dm.api;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.omatwin.core.dm.event.DmEventType;
import org.omatwin.core.dm.job.Execution;
import org.omatwin.core.dm.job.Job;
import org.omatwin.core.dm.job.JobNotices;
import org.omatwin.core.dm.subscription.DmSubscription;
import org.omatwin.core.infra.edge.ContractJson;
import org.omatwin.proto.dmwsi.v1.DmLink;
import org.omatwin.proto.dmwsi.v1.DmNotification;
import org.omatwin.proto.dmwsi.v1.DmNotificationEnvelope;

/**
 * The bodies POSTed about a job (root {@code dmNotification}, sections 5 and 7): {@code jobCompleted}
 * with the job, and {@code jobResults} with up to 500 executions (pushEach), identifiers as the
 * job's client may see them.
 */
public final class JobNoticeRenderer implements JobNotices {
    /** The event type of a pushEach batch (section 5, 5.1.6): not a subscription's event type. */
    static final String JOB_RESULTS = "jobResults";

    private final JobViews views;
    private final DmwsiPolicies policies;

    public JobNoticeRenderer(Supplier<String> publicUrl, DmwsiPolicies policies) {
        this.views = new JobViews(publicUrl);
        this.policies = policies;
    }

    @Override
    public Optional<String> completed(Job job, DmSubscription subscription) {
        if (policies.access(job.clientId()).isEmpty()) {
            return Optional.empty();
        }
        DmNotification.Builder b = DmNotification.newBuilder()
                .setEventType(DmEventType.JOB_COMPLETED.wire())
                .setJob(views.job(job))
                .setEventTime(DmwsiViews.timestamp(job.endedTime() != null ? job.endedTime() : Instant.now()));
        if (subscription != null) {
            DmwsiViews.set(subscription.request().callback().callbackData(), b::setCallbackData);
            b.addLink(DmLink.newBuilder().setRel("dmSubscription")
                    .setHref(views.base() + "/subscriptions/" + subscription.subscriptionId()));
        } else {
            DmwsiViews.set(job.request().callbackData(), b::setCallbackData);
            b.addLink(DmLink.newBuilder().setRel("job").setHref(views.base() + "/jobs/" + job.jobId()));
        }
        return Optional.of(print(b));
    }

    @Override
    public Optional<String> results(Job job, List<Execution> executions) {
        Optional<ClientAccess> who = policies.access(job.clientId());
        if (who.isEmpty()) {
            return Optional.empty();
        }
        DmNotification.Builder b = DmNotification.newBuilder()
                .setEventType(JOB_RESULTS)
                .setJob(views.job(job))
                .setEventTime(DmwsiViews.timestamp(executions.stream().map(Execution::endedTime)
                        .filter(t -> t != null).max(Comparator.naturalOrder()).orElse(Instant.now())))
                .addLink(DmLink.newBuilder().setRel("job").setHref(views.base() + "/jobs/" + job.jobId()));
        executions.forEach(e -> b.addExecutions(views.execution(e, who.get())));
        DmwsiViews.set(job.request().callbackData(), b::setCallbackData);
        String body = print(b);
        who.get().flush(); // the pseudonyms shown are kept before the notification can be sent
        return Optional.of(body);
    }

    private static String print(DmNotification.Builder b) {
        try {
            return ContractJson.print(DmNotificationEnvelope.newBuilder().setDmNotification(b).build());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
