package dev.hybridetl.app;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code run}'s options for watching a run: a Prometheus endpoint while it runs, an HTML report when it ends
 * (docs/observability.md). Validated once, in {@link #open}, with the bad value in the message.
 */
final class ObservabilityOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve the run's metrics (every stage and worker) at http://<bind>:PORT/metrics in the "
                    + "Prometheus text format while it runs; 0 picks a free port. The URL is printed on stderr.")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the metrics endpoint listens on (default: ${DEFAULT-VALUE}, this machine only; "
                    + "0.0.0.0 for every interface).")
    String metricsBind;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "When the run ends (also when it fails or is cancelled), write a self-contained HTML page "
                    + "about it: configuration, summary, throughput over time, per-worker busy time and restarts, "
                    + "rejects by reason.")
    Path report;

    /**
     * Checks the options and starts the endpoint, if asked for.
     *
     * @throws Main.UsageProblem for a bad port, address or report path, or a port that cannot be bound
     */
    RunObservation open(PrintWriter err) {
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
            throw new Main.UsageProblem("--metrics-port must be between 0 and 65535, was " + metricsPort);
        }
        InetSocketAddress address = metricsPort == null ? null : new InetSocketAddress(bindAddress(), metricsPort);
        if (report != null) {
            Path dir = report.toAbsolutePath().getParent();
            if (Files.isDirectory(report) || dir == null || !Files.isDirectory(dir)) {
                throw new Main.UsageProblem("--report must name a file in an existing directory, was " + report);
            }
        }
        try {
            return RunObservation.open(address, report, configuration(), err);
        } catch (java.io.IOException e) {
            throw new Main.UsageProblem("--metrics-port " + metricsPort + ": cannot listen on " + metricsBind + ": "
                    + e.getMessage());
        }
    }

    private InetAddress bindAddress() {
        try {
            return InetAddress.getByName(metricsBind);
        } catch (UnknownHostException e) {
            throw new Main.UsageProblem("--metrics-bind: unknown address '" + metricsBind + "'");
        }
    }

    /** Every option of the command with its value (given or default), for the report. */
    private Map<String, String> configuration() {
        Map<String, String> options = new LinkedHashMap<>();
        for (OptionSpec o : command.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            Object v = o.getValue();
            String text = v instanceof Map<?, ?> m ? m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "))
                    : v instanceof Collection<?> c ? c.stream().map(String::valueOf).collect(Collectors.joining(" "))
                    : String.valueOf(v);
            options.put(o.longestName(), text);
        }
        return options;
    }
}
