package dev.hybridetl.app;

import java.util.List;
import java.util.Locale;

/**
 * The run report's charts, drawn as inline SVG (no script, no network at view time): a line chart of time series
 * and a horizontal bar chart. Every label is escaped ({@link RunReport#escape}); coordinates are plain numbers.
 */
final class SvgCharts {
    static final String[] COLORS = {"#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2"};
    private static final int WIDTH = 1000;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;

    private SvgCharts() {
    }

    /** One line of a line chart: x in seconds, y in the chart's unit. */
    record Series(String name, double[] x, double[] y) {
    }

    /** One bar of a bar chart. */
    record Bar(String label, double value, String text) {
    }

    /** A line chart, {@code height} pixels high, with a legend; an empty chart says so. */
    static String lines(String id, String yUnit, List<Series> series, int height) {
        double maxX = 0;
        double maxY = 0;
        for (Series s : series) {
            for (double x : s.x()) {
                maxX = Math.max(maxX, x);
            }
            for (double y : s.y()) {
                maxY = Math.max(maxY, y);
            }
        }
        double yTop = niceCeiling(maxY);
        double xEnd = maxX > 0 ? maxX : 1;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder svg = open(id, height);
        for (int i = 0; i <= 4; i++) {
            double v = yTop * i / 4;
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(fmt("<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", LEFT, y,
                    WIDTH - RIGHT, y));
            svg.append(fmt("<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4,
                    RunReport.escape(compact(v))));
        }
        double step = niceCeiling(xEnd / 6);
        for (double t = 0; t <= xEnd + 1e-9; t += step) {
            double x = LEFT + plotW * t / xEnd;
            svg.append(fmt("<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s s</text>", x,
                    height - BOTTOM + 18, compact(t)));
        }
        svg.append(fmt("<text class=\"unit\" x=\"%d\" y=\"14\">%s</text>", LEFT - 40, RunReport.escape(yUnit)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                double px = LEFT + plotW * s.x()[i] / xEnd;
                double py = TOP + plotH - (yTop > 0 ? plotH * s.y()[i] / yTop : 0);
                points.append(points.length() == 0 ? "" : " ").append(fmt("%.1f,%.1f", px, py));
            }
            String color = COLORS[k % COLORS.length];
            svg.append(fmt("<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\">"
                    + "<title>%s</title></polyline>", color, points, RunReport.escape(s.name())));
            int lx = LEFT + 10 + 220 * k;
            svg.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, height - 16, color));
            svg.append(fmt("<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", lx + 16, height - 6,
                    RunReport.escape(s.name())));
        }
        if (series.isEmpty() || maxX == 0) {
            svg.append(fmt("<text class=\"empty\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">no samples</text>",
                    WIDTH / 2, TOP + plotH / 2));
        }
        return svg.append("</svg>").toString();
    }

    /** A horizontal bar chart, one row per bar, each with its label on the left and its text on the right. */
    static String bars(String id, List<Bar> bars) {
        int row = 26;
        int height = Math.max(1, bars.size()) * row + 12;
        double max = 0;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        int labelW = 260;
        int plotW = WIDTH - labelW - 220;
        StringBuilder svg = open(id, height);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 6 + i * row;
            double w = max > 0 ? plotW * b.value() / max : 0;
            svg.append(fmt("<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelW - 8,
                    y + 16, RunReport.escape(b.label())));
            svg.append(fmt("<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"3\">"
                    + "<title>%s</title></rect>", labelW, y, Math.max(w, 1), row - 8, COLORS[i % COLORS.length],
                    RunReport.escape(b.label() + ": " + b.text())));
            svg.append(fmt("<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>", labelW + Math.max(w, 1) + 6, y + 16,
                    RunReport.escape(b.text())));
        }
        if (bars.isEmpty()) {
            svg.append(fmt("<text class=\"empty\" x=\"%d\" y=\"24\" text-anchor=\"middle\">none</text>", WIDTH / 2));
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String id, int height) {
        return new StringBuilder(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" class=\"chart\""
                + " viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\">", RunReport.escape(id), WIDTH, height));
    }

    /** The smallest of 1, 2, 2.5, 5 x 10^k that is at least {@code v} (1 for nothing). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** 1234567 as "1.23M", 1500 as "1.5k", 0.25 as "0.25". */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = fmt("%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
