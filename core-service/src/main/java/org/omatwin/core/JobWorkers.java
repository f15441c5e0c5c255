package org.omatwin.core;

import java.util.ArrayList;
import java.util.List;
import org.omatwin.core.dm.job.JobUseCases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of this core instance that carry out bulk jobs (section 5): each takes one step of one
 * due job after another (the database hands each job to one instance at a time), and rests a
 * quarter of a second when no job is due.
 */
final class JobWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobWorkers.class);
    private static final long REST_MILLIS = 250;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private JobWorkers() {}

    static JobWorkers start(JobUseCases jobs, int count) {
        JobWorkers workers = new JobWorkers();
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> workers.loop(jobs), "dm-jobs-" + i);
            t.setDaemon(true);
            workers.threads.add(t);
            t.start();
        }
        return workers;
    }

    private void loop(JobUseCases jobs) {
        while (running) {
            try {
                if (!jobs.work()) {
                    Thread.sleep(REST_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the step's transaction rolled back: the job is due again, and the next step redoes it
                LOG.warn("a job step failed; retried in a second: {}", e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
