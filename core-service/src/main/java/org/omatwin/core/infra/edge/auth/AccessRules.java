package org.omatwin.core.infra.edge.auth;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.omatwin.proto.edge.v1.Access;
import org.omatwin.proto.edge.v1.AccessProto;

/**
 * The {@code (oma.edge.v1.access)} option of every RPC of the given services, read once from their
 * descriptors: the rule sits next to the RPC in the contract, and an RPC without it has no rule here,
 * so the edge refuses it (fail closed).
 */
public final class AccessRules {
    private final Map<String, Access> byMethod;

    private AccessRules(Map<String, Access> byMethod) {
        this.byMethod = Map.copyOf(byMethod);
    }

    public static AccessRules of(List<ServiceDescriptor> services) {
        Map<String, Access> rules = new HashMap<>();
        for (ServiceDescriptor s : services) {
            for (MethodDescriptor m : s.getMethods()) {
                if (m.getOptions().hasExtension(AccessProto.access)) {
                    rules.put(m.getFullName().replaceFirst("\\.(\\w+)$", "/$1"),
                            m.getOptions().getExtension(AccessProto.access));
                }
            }
        }
        return new AccessRules(rules);
    }

    /** The rule of a gRPC method ("package.Service/Method"), or empty when it declares none. */
    public Optional<Access> forMethod(String fullMethodName) {
        return Optional.ofNullable(byMethod.get(fullMethodName));
    }

    /** The scopes of which a token needs one; empty when the method admits no token. */
    public List<String> scopesFor(String fullMethodName) {
        return forMethod(fullMethodName).<List<String>>map(Access::getAnyScopeList).orElse(List.of());
    }
}
