package org.omatwin.core.infra.edge.rest;

import com.linecorp.armeria.server.HttpService;
import java.time.Duration;

/**
 * A path of an API root served by a plain HTTP handler instead of a google.api.http rule, with its own
 * body limit and timeout: e.g. a streamed upload far larger than any message (a DMWSI package's content).
 *
 * @param path an Armeria path pattern ("/dmwsi/v1/packages/{packageId}/content")
 */
public record RawRoute(String path, long maxRequestLength, Duration requestTimeout, HttpService service) {}
