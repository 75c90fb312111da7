package com.example.sales;

import dev.hybridetl.api.RecordBatch;
import dev.hybridetl.api.RecordBatchBuilder;
import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformContext;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * One order line in, one JSON line out: {@code order_id,order_date,region,sku,quantity,unit_price} becomes
 * <pre>{"order_id":"SO-000001","date":"2025-06-06","region":"UK","sku":"K-1035","quantity":2,
 *  "unit_price":"269.69","net":"539.38","tax":"107.88","gross":"647.26"}</pre>
 * with {@code net = quantity x unit_price}, {@code tax = net x the region's rate} rounded half up to the cent, and
 * {@code gross = net + tax}. Amounts are whole cents in a {@code long}: no floating point, so the answer is exact.
 *
 * <p>A row that fails a check is rejected with the reason of the first check it fails, in this order:
 * {@code malformed} (not 6 fields; a byte outside printable ASCII, a quote or a backslash; an empty order id or
 * sku), {@code bad_date} (not a real {@code YYYY-MM-DD} date in 2000-2099), {@code unknown_region} (not in the
 * tax table), {@code bad_quantity} (not 1 to 6 digits, or 0), {@code bad_price} (not {@code D.DD} with 1 to 6
 * digits before the point).
 *
 * <p>Plain code on purpose: it decodes each row to a String. The pipeline calls one instance from one thread at a
 * time, so the transform needs no locking.
 */
final class SalesLinesTransform implements Transform {
    static final String TAX_RATES_KEY = "tax-rates";
    static final String DEFAULT_TAX_RATES = "EU:2000,UK:2000,US:725,CA:500,JP:1000";
    static final String HEADER = "order_id,order_date,region,sku,quantity,unit_price";

    private final Map<String, Long> taxBasisPoints = new HashMap<>();

    @Override
    public void open(TransformContext context) {
        if (!context.header().equals(HEADER)) {
            throw new IllegalArgumentException("expected the header '" + HEADER + "', the input has '"
                    + context.header() + "'");
        }
        for (String entry : context.config(TAX_RATES_KEY, DEFAULT_TAX_RATES).split(",")) {
            String[] kv = entry.split(":");
            if (kv.length != 2 || !isDigits(kv[1], 1, 4)) {
                throw new IllegalArgumentException(TAX_RATES_KEY + ": expected REGION:BASIS_POINTS (0-9999), got '"
                        + entry + "'");
            }
            taxBasisPoints.put(kv[0], Long.parseLong(kv[1]));
        }
    }

    @Override
    public void process(RecordBatch in, RecordBatchBuilder out) {
        StringBuilder json = new StringBuilder(192);
        for (int i = 0; i < in.size(); i++) {
            String row = new String(in.data(), in.offset(i), in.length(i), StandardCharsets.ISO_8859_1);
            String reason = convert(row, json);
            if (reason == null) {
                out.add(in.position(i), json.toString());
            } else {
                out.reject(in.position(i), reason, in.data(), in.offset(i), in.length(i));
            }
        }
    }

    /** Writes the JSON line of {@code row} into {@code json} and returns null, or returns the reject reason. */
    private String convert(String row, StringBuilder json) {
        String[] f = row.split(",", -1);
        if (f.length != 6 || !isPlainAscii(row) || f[0].isEmpty() || f[3].isEmpty()) {
            return "malformed";
        }
        if (!isDate(f[1])) {
            return "bad_date";
        }
        Long rate = taxBasisPoints.get(f[2]);
        if (rate == null) {
            return "unknown_region";
        }
        if (!isDigits(f[4], 1, 6) || Long.parseLong(f[4]) == 0) {
            return "bad_quantity";
        }
        long unitCents = cents(f[5]);
        if (unitCents < 0) {
            return "bad_price";
        }
        long quantity = Long.parseLong(f[4]);
        long net = quantity * unitCents;                 // at most 999999 x 99999999: fits a long
        long tax = (net * rate + 5_000) / 10_000;        // half up; never negative
        json.setLength(0);
        json.append("{\"order_id\":\"").append(f[0])
                .append("\",\"date\":\"").append(f[1])
                .append("\",\"region\":\"").append(f[2])
                .append("\",\"sku\":\"").append(f[3])
                .append("\",\"quantity\":").append(quantity)
                .append(",\"unit_price\":\"").append(money(unitCents))
                .append("\",\"net\":\"").append(money(net))
                .append("\",\"tax\":\"").append(money(tax))
                .append("\",\"gross\":\"").append(money(net + tax))
                .append("\"}");
        return null;
    }

    /** Printable ASCII without quote or backslash: such a field needs no escaping inside a JSON string. */
    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String s, int minLength, int maxLength) {
        if (s.length() < minLength || s.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isDate(String s) {
        if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-' || !isDigits(s.substring(0, 4), 4, 4)
                || !isDigits(s.substring(5, 7), 2, 2) || !isDigits(s.substring(8), 2, 2)) {
            return false;
        }
        int year = Integer.parseInt(s.substring(0, 4));
        try {
            LocalDate.of(year, Integer.parseInt(s.substring(5, 7)), Integer.parseInt(s.substring(8)));
        } catch (DateTimeException e) {
            return false;
        }
        return year >= 2000 && year <= 2099;
    }

    /** Cents of {@code D.DD} (1 to 6 digits before the point), or -1. */
    private static long cents(String s) {
        int dot = s.indexOf('.');
        if (dot < 0 || !isDigits(s.substring(0, dot), 1, 6) || !isDigits(s.substring(dot + 1), 2, 2)) {
            return -1;
        }
        return Long.parseLong(s.substring(0, dot)) * 100 + Long.parseLong(s.substring(dot + 1));
    }

    private static String money(long cents) {
        long frac = cents % 100;
        return (cents / 100) + (frac < 10 ? ".0" : ".") + frac;
    }
}
