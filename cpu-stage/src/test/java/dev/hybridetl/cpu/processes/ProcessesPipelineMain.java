package dev.hybridetl.cpu.processes;

import dev.hybridetl.test.MemorySink;
import dev.hybridetl.test.MemorySource;
import dev.hybridetl.api.Pipeline;
import dev.hybridetl.api.PipelineException;
import dev.hybridetl.api.Placement;
import dev.hybridetl.api.ProcessSettings;
import dev.hybridetl.api.Stage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A pipeline process for tests that start a JVM of their own: runs 20 lines through test-kit-upper on two worker
 * processes and prints the output, one record a line. On failure prints {@code FAILED: <message>} on stderr and
 * exits with {@value #EXIT_FAILED}. Arguments: the queue directory, then options for the worker JVMs.
 */
public final class ProcessesPipelineMain {
    static final int EXIT_FAILED = 3;

    private ProcessesPipelineMain() {
    }

    public static void main(String[] args) {
        int code = 0;
        try {
            List<String> lines = IntStream.range(0, 20).mapToObj(i -> "line " + i).collect(Collectors.toList());
            MemorySink sink = new MemorySink();
            Pipeline.builder()
                    .source(MemorySource.of("h", lines).withLinesPerBatch(5))
                    .stage(Stage.plugin("test-kit-upper").withPlacement(Placement.PROCESSES).withWorkers(2))
                    .sink(sink)
                    .processSettings(ProcessSettings.defaults().withQueueDir(Path.of(args[0]))
                            .withExtraJvmOptions(Arrays.asList(args).subList(1, args.length)))
                    .build()
                    .run();
            sink.records().forEach(System.out::println);
        } catch (PipelineException e) {
            System.err.println("FAILED: " + e.getMessage());
            code = EXIT_FAILED;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code); // Chronicle keeps non-daemon threads
    }
}
