package dev.hybridetl.app;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code run}'s options for stream sources ({@code --source tcp}, {@code --source follow}): how the output rolls,
 * how often progress is shown, how long a drain may take, and where a followed file's position is kept.
 */
final class StreamOptions {
    @Option(names = "--roll-every", paramLabel = "DURATION", defaultValue = "1m",
            converter = Units.DurationConverter.class,
            description = "Streams: commit the output part and start a new one after this long (e.g. 30s, 5m). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration rollEvery;

    @Option(names = "--roll-bytes", paramLabel = "SIZE", defaultValue = "64MiB",
            converter = Units.BytesConverter.class,
            description = "Streams: commit the output part and start a new one at this many bytes (e.g. 16MiB). "
                    + "Default: ${DEFAULT-VALUE}.")
    long rollBytes;

    @Option(names = "--part-prefix", paramLabel = "NAME", defaultValue = "part",
            description = "Streams: parts are written as <output dir>/<NAME>-000001.jsonl, -000002, ... (committed "
                    + "atomically; the part being written is a hidden .tmp file). Default: ${DEFAULT-VALUE}.")
    String partPrefix;

    @Option(names = "--progress-every", paramLabel = "DURATION", defaultValue = "5s",
            converter = Units.DurationConverter.class,
            description = "Streams: print a progress line (records, rate, parts) on stderr this often. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration progressEvery;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Units.DurationConverter.class,
            description = "Streams: on SIGTERM or Ctrl-C the run drains (stops reading, finishes and commits what it "
                    + "read, exits 0); if that takes longer than this, or a second signal comes, it is cancelled "
                    + "(the part being written is dropped). Default: ${DEFAULT-VALUE}.")
    Duration drainTimeout;

    @Option(names = "--position-file", paramLabel = "FILE",
            description = "--source follow: where the followed file's position is kept. A drained run writes it; a "
                    + "run that finds it continues from there (nothing read twice). Default: none (start at the "
                    + "file's start).")
    Path positionFile;
}
