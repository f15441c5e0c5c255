package org.omatwin.core.infra.edge.rest;

import com.google.protobuf.Message;
import com.linecorp.armeria.common.MediaType;
import java.util.function.Function;

/**
 * Another representation of one method's answer, chosen by the request's {@code Accept} (content
 * negotiation, which google.api.http rules cannot express): e.g. a list as {@code text/csv}. Errors
 * stay in the contract's JSON. A paged answer's next page is given as a {@code Link: <...>; rel="next"}.
 *
 * @param grpcMethod the full gRPC method name ("package.Service/Method")
 * @param nextPageToken the next page's token of an answer, or null when it is the last page
 */
public record Rendering(String grpcMethod, MediaType mediaType, Function<Message, String> body,
        Function<Message, String> nextPageToken) {}
