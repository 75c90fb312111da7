package dev.hybridetl.app;

import dev.hybridetl.api.PipelineResult;
import dev.hybridetl.api.StageResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --report}: one self-contained HTML page about a finished run (succeeded, failed or cancelled): its
 * configuration, summary, throughput over time, per-stage and per-worker figures and rejects by reason, with inline
 * SVG charts ({@link SvgCharts}) and inline CSS, so it views offline. Well-formed XHTML, and every text that came
 * from outside (file names, reasons, messages) is escaped.
 *
 * @param configuration option name to value, in the command's order
 * @param result the run's result, or {@code null} if it failed
 * @param failure the failure's message, or {@code null} if it succeeded
 * @param rejects reason ({@code stage: reason}) to count, largest first
 */
record RunReport(String title, Instant started, Map<String, String> configuration, PipelineResult result,
                 String failure, List<RunSampler.Sample> samples, List<RunSampler.WorkerFigures> workers,
                 Map<String, Long> rejects) {

    /** Writes the page to {@code file} through a temporary file beside it, so a reader never sees half of it. */
    void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, html(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    String html() {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>")
                .append("<meta charset=\"utf-8\"/><title>").append(escape(title)).append("</title><style>")
                .append(CSS).append("</style></head><body>");
        header(h);
        summary(h);
        section(h, "Throughput over time", "throughput", SvgCharts.lines("throughput-chart", "records per second",
                throughputSeries(), 300));
        List<SvgCharts.Series> busy = busySeries();
        if (!busy.isEmpty()) {
            section(h, "Stage busy time", "busy", SvgCharts.lines("busy-chart",
                    "busy ms per second (1000 = every worker busy)", busy, 240));
        }
        stages(h);
        workersSection(h);
        rejectsSection(h);
        configurationSection(h);
        h.append("<footer>hybrid-etl run report, written ").append(escape(Instant.now().toString()))
                .append("</footer></body></html>\n");
        return h.toString();
    }

    private void header(StringBuilder h) {
        String outcome = result != null ? "succeeded" : failure.contains("cancelled") ? "cancelled" : "failed";
        h.append("<header><h1>").append(escape(title)).append("</h1><span id=\"outcome\" class=\"badge ")
                .append(outcome).append("\">").append(outcome).append("</span><p class=\"when\">started ")
                .append(escape(started.toString())).append("</p>");
        if (failure != null) {
            h.append("<p id=\"failure\" class=\"failure\">").append(escape(failure)).append("</p>");
        }
        h.append("</header>");
    }

    private void summary(StringBuilder h) {
        RunSampler.Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        long in = result != null ? result.recordsIn() : last == null ? 0 : last.recordsIn();
        long out = result != null ? result.recordsOut() : last == null ? 0 : last.recordsOut();
        long rejected = result != null ? result.recordsRejected() : last == null ? 0 : last.rejected();
        long bytes = result != null ? result.bytesRead() : last == null ? 0 : last.bytesRead();
        double wallS = (result != null ? result.wallNanos() : last == null ? 0 : last.elapsedNanos()) / 1e9;
        h.append("<section id=\"summary\" class=\"cards\">");
        card(h, "records-in", "records in", String.format(Locale.ROOT, "%,d", in));
        card(h, "records-out", "records out", String.format(Locale.ROOT, "%,d", out));
        card(h, "records-rejected", "rejected", String.format(Locale.ROOT, "%,d", rejected));
        card(h, "wall", "wall time", String.format(Locale.ROOT, "%.2f s", wallS));
        card(h, "rate", "throughput", String.format(Locale.ROOT, "%,.0f rec/s", wallS > 0 ? in / wallS : 0.0));
        card(h, "bytes", "read", String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0));
        h.append("</section>");
    }

    private static void card(StringBuilder h, String id, String label, String value) {
        h.append("<div class=\"card\"><div class=\"label\">").append(escape(label)).append("</div><div id=\"")
                .append(id).append("\" class=\"value\">").append(escape(value)).append("</div></div>");
    }

    private static void section(StringBuilder h, String title, String id, String body) {
        h.append("<section id=\"").append(id).append("\"><h2>").append(escape(title)).append("</h2>").append(body)
                .append("</section>");
    }

    private List<SvgCharts.Series> throughputSeries() {
        int n = Math.max(0, samples.size() - 1);
        double[] x = new double[n];
        double[] in = new double[n];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            RunSampler.Sample a = samples.get(i);
            RunSampler.Sample b = samples.get(i + 1);
            double dt = Math.max(1, b.elapsedNanos() - a.elapsedNanos()) / 1e9;
            x[i] = b.elapsedNanos() / 1e9;
            in[i] = Math.max(0, b.recordsIn() - a.recordsIn()) / dt;
            out[i] = Math.max(0, b.recordsOut() - a.recordsOut()) / dt;
        }
        return n == 0 ? List.of() : List.of(new SvgCharts.Series("read", x, in),
                new SvgCharts.Series("written", x, out));
    }

    private List<SvgCharts.Series> busySeries() {
        List<String> stages = new ArrayList<>();
        samples.forEach(s -> s.stageBusyMsPerSecond().keySet().stream().filter(k -> !stages.contains(k))
                .forEach(stages::add));
        List<SvgCharts.Series> series = new ArrayList<>();
        for (String stage : stages) {
            List<RunSampler.Sample> with = samples.stream()
                    .filter(s -> s.stageBusyMsPerSecond().containsKey(stage)).toList();
            double[] x = new double[with.size()];
            double[] y = new double[with.size()];
            for (int i = 0; i < with.size(); i++) {
                x[i] = with.get(i).elapsedNanos() / 1e9;
                y[i] = with.get(i).stageBusyMsPerSecond().get(stage);
            }
            series.add(new SvgCharts.Series("stage " + stage, x, y));
        }
        return series;
    }

    private void stages(StringBuilder h) {
        if (result == null) {
            return;
        }
        h.append("<section id=\"stages\"><h2>Stages</h2><table><thead><tr><th>stage</th><th>kind</th>"
                + "<th>batches</th><th>records in</th><th>records out</th><th>rejected</th><th>busy s</th></tr>"
                + "</thead><tbody>");
        for (StageResult s : result.stages()) {
            row(h, s.name(), s.kind(), num(s.batches()), num(s.recordsIn()), num(s.recordsOut()), num(s.rejected()),
                    String.format(Locale.ROOT, "%.2f", s.busyNanos() / 1e9));
        }
        h.append("</tbody></table></section>");
    }

    private void workersSection(StringBuilder h) {
        List<WorkerRow> rows = WorkerRow.of(result, workers);
        if (rows.isEmpty()) {
            return;
        }
        boolean timed = rows.stream().anyMatch(r -> r.busySeconds() >= 0);
        List<SvgCharts.Bar> bars = rows.stream().map(r -> timed
                ? new SvgCharts.Bar(r.stage() + " / worker " + r.worker(), Math.max(0, r.busySeconds()),
                String.format(Locale.ROOT, "%.2f s busy, %d restarts", Math.max(0, r.busySeconds()), r.restarts()))
                : new SvgCharts.Bar(r.stage() + " / worker " + r.worker(), r.batches(),
                String.format(Locale.ROOT, "%,d batches", r.batches()))).toList();
        h.append("<section id=\"workers\"><h2>Workers</h2>").append(SvgCharts.bars("workers-chart", bars))
                .append("<table><thead><tr><th>stage</th><th>worker</th><th>batches</th><th>records</th>"
                        + "<th>busy s</th><th>restarts</th><th>GC s</th><th>max heap MiB</th></tr></thead><tbody>");
        for (WorkerRow r : rows) {
            row(h, r.stage(), Integer.toString(r.worker()), num(r.batches()), num(r.records()),
                    r.busySeconds() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.busySeconds()),
                    Integer.toString(r.restarts()),
                    r.gcSeconds() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", r.gcSeconds()),
                    r.heapBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.heapBytes() / 1048576.0));
        }
        h.append("</tbody></table></section>");
    }

    private void rejectsSection(StringBuilder h) {
        List<SvgCharts.Bar> bars = rejects.entrySet().stream().map(e -> new SvgCharts.Bar(e.getKey(), e.getValue(),
                String.format(Locale.ROOT, "%,d", e.getValue()))).toList();
        h.append("<section id=\"rejects\"><h2>Rejects by reason</h2>").append(SvgCharts.bars("rejects-chart", bars))
                .append("<table><thead><tr><th>stage: reason</th><th>records</th></tr></thead><tbody>");
        rejects.forEach((reason, count) -> row(h, reason, num(count)));
        h.append("</tbody></table></section>");
    }

    private void configurationSection(StringBuilder h) {
        h.append("<section id=\"configuration\"><h2>Configuration</h2><table><tbody>");
        configuration.forEach((k, v) -> row(h, k, v));
        h.append("</tbody></table></section>");
    }

    private static void row(StringBuilder h, String... cells) {
        h.append("<tr>");
        for (String c : cells) {
            h.append("<td>").append(escape(c)).append("</td>");
        }
        h.append("</tr>");
    }

    private static String num(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Escapes text for HTML/XML content and attribute values; a character XML cannot carry becomes U+FFFD. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    boolean legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
                    b.appendCodePoint(legal ? c : 0xFFFD);
                }
            }
        });
        return b.toString();
    }

    private static final String CSS = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
            + "margin:0 auto;max-width:1100px;padding:24px;color:#1f2937;background:#f8fafc}"
            + "h1{margin:0 12px 0 0;font-size:26px;display:inline-block}h2{font-size:18px;margin:0 0 12px}"
            + "header{margin-bottom:16px}.when{color:#6b7280;margin:6px 0 0}"
            + ".badge{padding:3px 10px;border-radius:12px;font-weight:600;font-size:14px;vertical-align:middle}"
            + ".succeeded{background:#dcfce7;color:#166534}.failed{background:#fee2e2;color:#991b1b}"
            + ".cancelled{background:#fef3c7;color:#92400e}"
            + ".failure{background:#fef2f2;border-left:4px solid #dc2626;padding:8px 12px;white-space:pre-wrap}"
            + "section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px;margin:0 0 16px}"
            + ".cards{display:flex;gap:12px;flex-wrap:wrap;background:none;border:none;padding:0}"
            + ".card{flex:1;min-width:140px;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px}"
            + ".card .label{color:#6b7280;font-size:13px}.card .value{font-size:20px;font-weight:600;margin-top:4px;white-space:nowrap}"
            + "table{border-collapse:collapse;width:100%;margin-top:8px;font-size:14px}"
            + "td,th{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;word-break:break-all}"
            + "th{color:#6b7280;font-weight:600}"
            + ".chart{display:block}.chart .grid{stroke:#e5e7eb}.chart text{font-size:13px;fill:#374151}"
            + ".chart .tick{fill:#6b7280;font-size:12px}.chart .unit{fill:#6b7280;font-size:12px}"
            + ".chart .empty{fill:#9ca3af}footer{color:#9ca3af;font-size:12px;text-align:center}";
}
