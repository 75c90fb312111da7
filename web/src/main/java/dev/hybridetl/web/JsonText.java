package dev.hybridetl.web;

/**
 * Builds one JSON object as text, fields in the order they are added: the output's bytes are fixed by the order of
 * the calls, so equal pages give equal lines. Strings are escaped per RFC 8259 (quote, backslash, control
 * characters); everything else is written as it is, and the line is encoded as UTF-8 by the caller.
 *
 * <p>One instance per transform instance (one thread); {@link #begin()} starts a new object.
 */
final class JsonText {
    private final StringBuilder text = new StringBuilder(1024);
    private boolean first;

    JsonText begin() {
        text.setLength(0);
        text.append('{');
        first = true;
        return this;
    }

    /** A string field, or {@code null} when {@code value} is null. */
    JsonText field(String name, String value) {
        key(name);
        if (value == null) {
            text.append("null");
        } else {
            string(value);
        }
        return this;
    }

    JsonText field(String name, long value) {
        key(name);
        text.append(value);
        return this;
    }

    JsonText field(String name, Iterable<String> values) {
        key(name);
        text.append('[');
        boolean firstValue = true;
        for (String v : values) {
            if (!firstValue) {
                text.append(',');
            }
            firstValue = false;
            string(v);
        }
        text.append(']');
        return this;
    }

    String end() {
        return text.append('}').toString();
    }

    private void key(String name) {
        if (!first) {
            text.append(',');
        }
        first = false;
        string(name);
        text.append(':');
    }

    private void string(String s) {
        text.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
