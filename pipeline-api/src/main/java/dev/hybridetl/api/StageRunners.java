package dev.hybridetl.api;

import dev.hybridetl.api.spi.StageRunnerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The placements' runner factories a pipeline's stages need, found once with {@link ServiceLoader} when the
 * pipeline is built and checked there ({@link StageRunnerFactory#check}), so that every run starts from the same
 * checked factories.
 */
final class StageRunners {
    private final Map<Placement, StageRunnerFactory> byPlacement;

    private StageRunners(Map<Placement, StageRunnerFactory> byPlacement) {
        this.byPlacement = byPlacement;
    }

    /**
     * Finds a runner for every stage's placement and lets it check that the stage can run in this JVM.
     *
     * @throws IllegalArgumentException if a placement has no runner on the class path
     * @throws RuntimeException what a runner's check throws (for worker processes: a {@link PipelineException})
     */
    static StageRunners find(List<Stage> stages, ProcessSettings processSettings) {
        Map<Placement, StageRunnerFactory> byPlacement = new EnumMap<>(Placement.class);
        for (StageRunnerFactory f : ServiceLoader.load(StageRunnerFactory.class, StageRunners.class.getClassLoader())) {
            byPlacement.putIfAbsent(f.placement(), f);
        }
        for (Stage stage : stages) {
            StageRunnerFactory factory = byPlacement.get(stage.placement());
            if (factory == null) {
                throw new IllegalArgumentException("no runner for placement '" + stage.placement().cliName()
                        + "' on the class path (is the cpu-stage module missing?)");
            }
            factory.check(stage, processSettings);
        }
        return new StageRunners(byPlacement);
    }

    /** The factory of the stage's placement; {@link #find} made sure there is one. */
    StageRunnerFactory factoryOf(Stage stage) {
        return byPlacement.get(stage.placement());
    }
}
