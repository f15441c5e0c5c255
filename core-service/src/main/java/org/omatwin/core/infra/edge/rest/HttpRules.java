package org.omatwin.core.infra.edge.rest;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import org.omatwin.proto.edge.v1.AccessProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The google.api.http rules of a service, read from its descriptor: the same rules the transcoders
 * serve. The REST edge uses them to be as strict as Envoy: which methods a path allows (405 + Allow),
 * which query parameters and body elements a route accepts.
 */
public final class HttpRules {

    /**
     * One rule: HTTP method, path template and what the body and query may carry, for the gRPC method
     * {@code grpcMethod} ("package.Service/Method").
     */
    public record Rule(String method, String template, List<String> segments, Descriptor requestType,
            String bodyField, Set<String> queryParams, String grpcMethod, long maxBodyBytes) {

        public boolean hasBody() {
            return !bodyField.isEmpty();
        }

        /** The message the JSON body must match: the request minus path variables for body "*". */
        public Descriptor bodyType() {
            if ("*".equals(bodyField)) {
                return requestType;
            }
            return requestType.findFieldByName(bodyField).getMessageType();
        }

        /** Fields bound from the path, which the body may not repeat. */
        public Set<String> pathFields() {
            return variables(segments).keySet();
        }

        /** The path's values of the template's variables, by field name (not yet percent-decoded). */
        public java.util.Map<String, String> variables(List<String> pathSegments) {
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).startsWith("{")) {
                    out.put(segments.get(i).substring(1, segments.get(i).length() - 1), pathSegments.get(i));
                }
            }
            return out;
        }

        boolean matches(List<String> pathSegments) {
            if (pathSegments.size() != segments.size()) {
                return false;
            }
            for (int i = 0; i < segments.size(); i++) {
                String want = segments.get(i);
                String got = pathSegments.get(i);
                if (want.startsWith("{") ? got.isEmpty() : !want.equals(got)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The outcome of matching a request against the rules. */
    public sealed interface Match {}

    /** @param segments the request path's segments, as matched */
    public record Found(Rule rule, List<String> segments) implements Match {}

    public record WrongMethod(Set<String> allowed) implements Match {}

    public record NoSuchPath() implements Match {}

    private final List<Rule> rules;

    private final Set<String> roots;

    private HttpRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        Set<String> r = new LinkedHashSet<>();
        rules.forEach(rule -> r.add("/" + rule.segments().get(0) + "/"));
        this.roots = Set.copyOf(r);
    }

    public static HttpRules of(ServiceDescriptor service) {
        return of(List.of(service));
    }

    /** The rules of several services served by one edge. */
    public static HttpRules of(List<ServiceDescriptor> services) {
        List<Rule> rules = new ArrayList<>();
        for (MethodDescriptor m : services.stream().flatMap(s -> s.getMethods().stream()).toList()) {
            if (!m.getOptions().hasExtension(AnnotationsProto.http)) {
                continue;
            }
            HttpRule http = m.getOptions().getExtension(AnnotationsProto.http);
            String method;
            String template;
            switch (http.getPatternCase()) {
                case GET -> { method = "GET"; template = http.getGet(); }
                case PUT -> { method = "PUT"; template = http.getPut(); }
                case POST -> { method = "POST"; template = http.getPost(); }
                case DELETE -> { method = "DELETE"; template = http.getDelete(); }
                case PATCH -> { method = "PATCH"; template = http.getPatch(); }
                default -> throw new IllegalArgumentException("unsupported rule on " + m.getFullName());
            }
            List<String> segments = split(template);
            Descriptor req = m.getInputType();
            String grpcMethod = m.getService().getFullName() + "/" + m.getName();
            // a larger body than the edge's default, declared next to the RPC (0: the default)
            long maxBody = m.getOptions().hasExtension(AccessProto.maxRequestBytes)
                    ? m.getOptions().getExtension(AccessProto.maxRequestBytes) : 0;
            Rule partial = new Rule(method, template, segments, req, http.getBody(), Set.of(), grpcMethod, maxBody);
            Set<String> query = new LinkedHashSet<>();
            if (!"*".equals(http.getBody())) {
                for (FieldDescriptor f : req.getFields()) {
                    boolean scalar = f.getJavaType() != FieldDescriptor.JavaType.MESSAGE;
                    if (scalar && !partial.pathFields().contains(f.getName()) && !f.getName().equals(http.getBody())) {
                        query.add(f.getName());
                        query.add(f.getJsonName());
                    }
                }
            }
            rules.add(new Rule(method, template, segments, req, http.getBody(), Set.copyOf(query), grpcMethod,
                    maxBody));
        }
        return new HttpRules(rules);
    }

    /**
     * Whether a path lies under one of the API roots of these rules ("/twinning/", "/dmwsi/"): the edge
     * answers every request there, known or not, in the contract's terms.
     */
    public boolean covers(String path) {
        for (String root : roots()) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    /** The API roots of these rules ("/twinning/", "/dmwsi/"). */
    public Set<String> roots() {
        return roots;
    }

    public List<Rule> rules() {
        return rules;
    }

    public Match match(String method, String path) {
        List<String> segments = split(path);
        Set<String> allowed = new TreeSet<>();
        for (Rule r : rules) {
            if (r.matches(segments)) {
                if (r.method().equals(method)) {
                    return new Found(r, segments);
                }
                allowed.add(r.method());
            }
        }
        return allowed.isEmpty() ? new NoSuchPath() : new WrongMethod(allowed);
    }

    private static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= p.length(); i++) {
            if (i == p.length() || p.charAt(i) == '/') {
                out.add(p.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
