package dev.hybridetl.app;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.PipelineRun;
import dev.hybridetl.api.Progress;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A terminal progress bar over a running pipeline: bytes read of the input (with speed and ETA) and records/s.
 * Polls the run's counters from the calling thread; the bar library redraws on its own thread.
 */
final class ProgressDisplay {
    private static final long POLL_MS = 200;

    private ProgressDisplay() {
    }

    static PipelineResult follow(PipelineRun run, String taskName) throws InterruptedException {
        long size = Math.max(run.progress().sizeBytes(), -1);
        try (ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(taskName)
                .setInitialMax(size)
                .setUnit(" MiB", 1024 * 1024)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .setUpdateIntervalMillis((int) POLL_MS)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build()) {
            while (true) {
                try {
                    PipelineResult result = run.completion().get(POLL_MS, TimeUnit.MILLISECONDS);
                    update(bar, run.progress());
                    return result;
                } catch (TimeoutException stillRunning) {
                    update(bar, run.progress());
                } catch (ExecutionException e) {
                    break;
                }
            }
        }
        return run.await(); // rethrows the failure as a PipelineException
    }

    private static void update(ProgressBar bar, Progress p) {
        if (p.sizeBytes() > 0 && bar.getMax() != p.sizeBytes()) {
            bar.maxHint(p.sizeBytes());
        }
        bar.stepTo(p.bytesRead());
        double seconds = p.elapsedNanos() / 1e9;
        bar.setExtraMessage(String.format("  %,d records, %,.0f rec/s", p.recordsIn(),
                seconds > 0 ? p.recordsIn() / seconds : 0.0));
    }
}
