package dev.hybridetl.app;

import dev.hybridetl.api.MeterNames;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run as {@code run} watches it: the registry the pipeline gets (Prometheus when the endpoint is on), the
 * endpoint, and the sampler and report writer. The report is written as soon as the run completes, by the thread
 * that completes it (so that a Ctrl-C, whose hook waits for that completion, still gets one); {@link #close()}
 * waits for it, says where it is, and stops the endpoint. A report or endpoint that fails never changes the run's
 * outcome: it is one line on stderr.
 */
final class RunObservation implements AutoCloseable {
    private static final long REPORT_WAIT_S = 20;

    private final MeterRegistry registry;
    private final MetricsEndpoint endpoint;
    private final Path report;
    private final Map<String, String> configuration;
    private final PrintWriter err;
    private final Instant started = Instant.now();
    private RunSampler sampler;
    private CompletableFuture<String> reportWritten;

    private RunObservation(MeterRegistry registry, MetricsEndpoint endpoint, Path report,
                           Map<String, String> configuration, PrintWriter err) {
        this.registry = registry;
        this.endpoint = endpoint;
        this.report = report;
        this.configuration = configuration;
        this.err = err;
    }

    /**
     * @param address where to serve {@code /metrics}, or {@code null} for no endpoint
     * @param report where to write the report, or {@code null} for none
     * @throws IOException if the endpoint cannot listen there
     */
    static RunObservation open(InetSocketAddress address, Path report, Map<String, String> configuration,
                               PrintWriter err) throws IOException {
        if (address == null) {
            return new RunObservation(new SimpleMeterRegistry(), null, report, configuration, err);
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsEndpoint endpoint;
        try {
            endpoint = MetricsEndpoint.start(prometheus, address);
        } catch (IOException | RuntimeException e) {
            prometheus.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        err.println("pipeline-app: metrics at " + endpoint.url());
        err.flush();
        return new RunObservation(prometheus, endpoint, report, configuration, err);
    }

    /** The registry to give the pipeline ({@code Pipeline.Builder.meterRegistry}). */
    MeterRegistry registry() {
        return registry;
    }

    /** Starts sampling {@code run} for the report (if one was asked for); returns the run. */
    PipelineRun watch(PipelineRun run) {
        if (report != null) {
            sampler = RunSampler.start(run, registry);
            reportWritten = run.completion().handle((result, error) -> writeReport(result, error));
        }
        return run;
    }

    /** Never throws: what went wrong is the returned line. */
    private String writeReport(PipelineResult result, Throwable error) {
        try {
            sampler.close();
            sampler.sample();
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            String failure = cause == null ? null : cause instanceof PipelineException ? cause.getMessage()
                    : PipelineException.describe(cause);
            new RunReport(title(), started, configuration, result, failure, sampler.samples(), sampler.workers(),
                    rejects()).write(report);
            return "pipeline-app: report written to " + report;
        } catch (Throwable e) {
            return "pipeline-app: could not write the report " + report + ": " + PipelineException.describe(e);
        }
    }

    private String title() {
        String transform = configuration.getOrDefault("--transform", "run");
        String input = configuration.getOrDefault("--input", "null");
        return "Run report: " + transform + (input.equals("null") ? " on the bundled sample" : " on " + input);
    }

    /** {@code stage: reason} to count, largest first. */
    private Map<String, Long> rejects() {
        Map<String, Long> byReason = new LinkedHashMap<>();
        registry.find(MeterNames.REJECTS).counters().stream()
                .sorted(Comparator.comparingDouble(Counter::count).reversed())
                .forEach(c -> byReason.merge(c.getId().getTag(MeterNames.STAGE) + ": "
                        + c.getId().getTag(MeterNames.REASON), (long) c.count(), Long::sum));
        return byReason;
    }

    /** Waits for the report (if any), reports where it is, stops the endpoint. */
    @Override
    public void close() {
        try {
            if (reportWritten != null) {
                err.println(reportWritten.get(REPORT_WAIT_S, TimeUnit.SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            err.println("pipeline-app: the report " + report + " was not written: " + e);
        } finally {
            err.flush();
            if (sampler != null) {
                sampler.close();
            }
            if (endpoint != null) {
                endpoint.close();
            }
            registry.close();
        }
    }
}
