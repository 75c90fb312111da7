package dev.hybridetl.app;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.StageResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One worker's line in the run report: batches, records and restarts from the run's result when it has one (the
 * supervisor's exact figures), busy, GC and heap from the worker's own meters as last sampled (processes only;
 * -1 where a figure is not known, e.g. for threads).
 */
record WorkerRow(String stage, int worker, long batches, long records, int restarts, double busySeconds,
                 double gcSeconds, double heapBytes) {

    static List<WorkerRow> of(PipelineResult result, List<RunSampler.WorkerFigures> sampled) {
        Map<String, RunSampler.WorkerFigures> byKey = new LinkedHashMap<>();
        sampled.forEach(f -> byKey.put(f.stage() + '\t' + f.worker(), f));
        List<WorkerRow> rows = new ArrayList<>();
        if (result != null) {
            for (StageResult s : result.stages()) {
                for (StageResult.WorkerResult w : s.workers()) {
                    RunSampler.WorkerFigures f = byKey.remove(s.name() + '\t' + w.index());
                    rows.add(new WorkerRow(s.name(), w.index(), w.batches(), w.records(), w.restarts(),
                            f == null ? -1 : f.busySeconds(), f == null ? -1 : f.gcSeconds(),
                            f == null ? -1 : f.heapBytes()));
                }
            }
        }
        for (RunSampler.WorkerFigures f : byKey.values()) {
            rows.add(new WorkerRow(f.stage(), f.worker(), (long) f.batches(), (long) f.recordsIn(),
                    (int) f.restarts(), f.busySeconds(), f.gcSeconds(), f.heapBytes()));
        }
        return rows;
    }
}
