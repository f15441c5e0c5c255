#!/usr/bin/env python3
"""Where a JFR recording's execution samples go: the share of samples whose stack holds a frame of each
group (inclusive: a sample counts in every group on its stack), and the top leaf frames.
   python3 bench/lib/jfr-shares.py recording.jfr      (needs $JAVA_HOME/bin/jfr)"""
import os, re, subprocess, sys, collections

GROUPS = [  # label, frame prefixes (class or package names)
    ("jOOQ: render SQL", ["org.jooq.impl.DefaultRenderContext", "org.jooq.impl.AbstractQuery.getSQL",
                          "org.jooq.impl.AbstractContext.visit", "org.jooq.impl.Tools.renderSQL"]),
    ("jOOQ: all", ["org.jooq."]),
    ("PostgreSQL JDBC", ["org.postgresql."]),
    ("HikariCP", ["com.zaxxer.hikari."]),
    ("protobuf JSON (JsonFormat)", ["com.google.protobuf.util.JsonFormat"]),
    ("Jackson", ["com.fasterxml.jackson."]),
    ("Armeria transcoding", ["com.linecorp.armeria.server.grpc.HttpJsonTranscodingService",
                             "com.linecorp.armeria.internal.server.grpc.", "com.linecorp.armeria.server.grpc.UnframedGrpc"]),
    ("Armeria gRPC server call", ["com.linecorp.armeria.server.grpc.", "com.linecorp.armeria.internal.common.grpc."]),
    ("Armeria (all)", ["com.linecorp.armeria."]),
    ("REST edge (RestEdge/RestErrors)", ["org.omatwin.core.infra.edge.rest."]),
    ("gRPC-java server (io.grpc)", ["io.grpc."]),
    ("Netty", ["io.netty.", "io.grpc.netty.shaded.io.netty."]),
    ("token verification", ["org.omatwin.core.infra.edge.auth.", "com.nimbusds."]),
    ("metrics (micrometer)", ["io.micrometer."]),
    ("logging", ["org.slf4j.", "ch.qos.logback."]),
    ("twinning code", ["org.omatwin.core.twinning."]),
    ("GC/JIT threads (no Java frame)", []),
]

def main(path):
    jfr = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "jfr")
    out = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "200", path],
                         capture_output=True, text=True, check=True).stdout
    samples = []
    for block in out.split("jdk.ExecutionSample")[1:]:
        frames = re.findall(r"^\s+([\w$.<>]+)\(", block, re.M)
        if frames:
            samples.append(frames)
    total = len(samples)
    print(f"{total} execution samples")
    for label, prefixes in GROUPS:
        if not prefixes:
            continue
        n = sum(1 for s in samples if any(f.startswith(p) for f in s for p in prefixes))
        print(f"  {100.0 * n / max(total, 1):5.1f} %  {label}")
    # Exclusive: each sample to the library of its first non-JDK frame from the leaf (JDK code a library
    # calls counts for that library).
    owners = collections.Counter()
    for s in samples:
        owner = "JDK only"
        for f in s:
            if not f.startswith(("java.", "jdk.", "sun.", "com.sun.")):
                parts = f.split(".")
                owner = ".".join(parts[:3]) if not f.startswith("org.omatwin.") else ".".join(parts[:5])
                break
        owners[owner] += 1
    print("exclusive, by the first non-JDK frame from the leaf:")
    for o, n in owners.most_common(20):
        print(f"  {100.0 * n / total:5.1f} %  {o}")
    leaves = collections.Counter(s[0] for s in samples)
    print("top leaf frames:")
    for f, n in leaves.most_common(15):
        print(f"  {100.0 * n / total:5.1f} %  {f}")

if __name__ == "__main__":
    main(sys.argv[1])
