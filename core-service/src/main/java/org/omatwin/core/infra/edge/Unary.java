package org.omatwin.core.infra.edge;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * Answers a unary RPC with what {@code call} returns. A refusal thrown by it leaves the call as it is
 * and is turned into the status by {@link ErrorInterceptor}, the one place errors are rendered.
 */
public final class Unary {
    private Unary() {}

    public static <T> void respond(StreamObserver<T> out, Supplier<T> call) {
        T response = call.get();
        out.onNext(response);
        out.onCompleted();
    }
}
