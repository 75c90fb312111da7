package com.example.sensors;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.Stage;
import dev.hybridetl.io.FileSink;
import dev.hybridetl.io.FileSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs the {@code sensor-readings} job once, from the command-line options {@code --input}, {@code --output-dir},
 * {@code --placement} (default {@code processes}) and {@code --workers} (default 2). Writes {@code readings.jsonl}
 * and {@code rejects.tsv} into the output directory. Its exit code, through Spring's {@link ExitCodeGenerator}: 0
 * done, 1 the run failed, 2 a bad option.
 */
@Component
class SensorJobRunner implements ApplicationRunner, ExitCodeGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(SensorJobRunner.class);
    /** Small batches, so that a few thousand readings make several batches and both workers get some. */
    static final int BATCH_BYTES = 16 * 1024;

    private int exitCode = 1;

    /** The pipeline this service runs; the test builds the same one. */
    static Pipeline pipeline(Path input, Path outputDir, Placement placement, int workers) {
        return Pipeline.builder()
                .source(FileSource.of(input))
                .stage(Stage.plugin(SensorReadingsProvider.ID).withPlacement(placement).withWorkers(workers))
                .sink(FileSink.of(outputDir.resolve("readings.jsonl"), outputDir.resolve("rejects.tsv")))
                .batchBytes(BATCH_BYTES)
                .build();
    }

    @Override
    public void run(ApplicationArguments args) {
        Pipeline pipeline;
        Placement placement;
        try {
            placement = Placement.parse(option(args, "placement", "processes"));
            pipeline = pipeline(Path.of(option(args, "input", null)), Path.of(option(args, "output-dir", null)),
                    placement, Integer.parseInt(option(args, "workers", "2")));
        } catch (IllegalArgumentException e) {
            LOG.error("{}; usage: --input=FILE.csv --output-dir=DIR [--placement=threads|processes] [--workers=N]",
                    e.getMessage());
            exitCode = 2;
            return;
        }
        try {
            PipelineResult r = pipeline.run();
            LOG.info("sensor-readings on {}: {} records in, {} out, {} rejected, {} ms", placement.cliName(),
                    r.recordsIn(), r.recordsOut(), r.recordsRejected(), r.wallNanos() / 1_000_000);
            exitCode = 0;
        } catch (PipelineException e) {
            LOG.error("sensor-readings on {} failed: {}", placement.cliName(), e.getMessage());
            exitCode = 1;
        }
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    private static String option(ApplicationArguments args, String name, String defaultValue) {
        List<String> values = args.getOptionValues(name);
        if (values == null || values.isEmpty()) {
            if (defaultValue == null) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return defaultValue;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("--" + name + " is given " + values.size() + " times");
        }
        return values.get(0);
    }
}
