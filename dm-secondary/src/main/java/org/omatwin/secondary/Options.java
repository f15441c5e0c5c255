package org.omatwin.secondary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line: a subcommand, then {@code --name value} options (repeatable ones collect). */
record Options(String command, Map<String, List<String>> values) {
    private static final Set<String> FLAGS = Set.of("--no-watch", "--help");

    static Options parse(String[] args, Set<String> known) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("name a command: submit, watch, get, cancel, conduct or report");
        }
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (!known.contains(name) && !FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (FLAGS.contains(name)) {
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
        }
        return new Options(args[0], values);
    }

    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.getLast();
    }

    String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException(command + " needs " + name);
        }
        return v;
    }

    /** Every value of a repeatable option, commas splitting values too. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of()).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
