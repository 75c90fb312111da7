package dev.hybridetl.cpu.processes;

import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;
import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A pipeline process for the orphan test: runs a slow two-worker processes stage until it is killed.
 * Argument: the queue directory. */
public final class PipelineHostMain {
    private PipelineHostMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> lines = IntStream.range(0, 200).mapToObj(i -> "line " + i).collect(Collectors.toList());
        Pipeline.builder()
                .source(MemorySource.of("h", lines).withLinesPerBatch(1))
                .stage(Stage.plugin("test-kit-upper").withConfig("delayMs", "1000")
                        .withPlacement(Placement.PROCESSES).withWorkers(2))
                .sink(new MemorySink())
                .processSettings(ProcessSettings.defaults().withQueueDir(java.nio.file.Path.of(args[0])))
                .build()
                .run();
    }
}
