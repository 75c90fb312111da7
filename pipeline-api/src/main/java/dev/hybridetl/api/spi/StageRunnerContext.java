package dev.hybridetl.api.spi;

import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.api.StageMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Objects;

/**
 * What a {@link StageRunnerFactory} needs to start a stage.
 *
 * @param stage the stage definition (transform, placement, workers)
 * @param stageIndex the stage's position in the pipeline, from 0
 * @param header the source's header line, passed to every transform's open
 * @param maxInFlightBatches how many batches the pipeline may hand this stage before it gets results back
 * @param metrics where the runner reports each batch's work time and counts
 * @param processSettings settings for worker processes
 * @param registry the run's meter registry
 * @param workerPool where the runner takes warm workers from and gives them back to; {@code null} when the pipeline
 *                   has no {@link dev.hybridetl.api.WorkerPool} (each run then starts and ends its own workers)
 */
public record StageRunnerContext(Stage stage, int stageIndex, String header, int maxInFlightBatches,
                                 StageMetrics metrics, ProcessSettings processSettings, MeterRegistry registry,
                                 WorkerPoolBackend workerPool) {
    public StageRunnerContext {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(processSettings, "processSettings");
        Objects.requireNonNull(registry, "registry");
    }

    /** A context without a worker pool. */
    public StageRunnerContext(Stage stage, int stageIndex, String header, int maxInFlightBatches,
                              StageMetrics metrics, ProcessSettings processSettings, MeterRegistry registry) {
        this(stage, stageIndex, header, maxInFlightBatches, metrics, processSettings, registry, null);
    }
}
