package dev.hybridetl.api;

import java.util.Map;

/** Test-only plugins, registered in src/test/resources/META-INF/services: one per way of declaring configuration. */
final class TestProviders {
    private TestProviders() {
    }

    private static Transform copy() {
        return (in, out) -> {
            for (int i = 0; i < in.size(); i++) {
                out.add(in.position(i), in.data(), in.offset(i), in.length(i));
            }
        };
    }

    /** Declares two keys (so they are checked) and validates {@code mode}. */
    public static final class Keyed implements TransformProvider {
        @Override
        public String id() {
            return "test-keyed";
        }

        @Override
        public String description() {
            return "declares 'airports' and 'mode' (test)";
        }

        @Override
        public Map<String, String> configKeys() {
            return Map.of("airports", "a file", "mode", "fast or slow");
        }

        @Override
        public void validate(Map<String, String> config) {
            String mode = config.getOrDefault("mode", "fast");
            if (!mode.equals("fast") && !mode.equals("slow")) {
                throw new IllegalArgumentException("mode must be 'fast' or 'slow', was '" + mode + "'");
            }
        }

        @Override
        public Transform create() {
            return copy();
        }
    }

    /** Declares no key but says that it checks them: it takes no configuration. */
    public static final class NoConfig implements TransformProvider {
        @Override
        public String id() {
            return "test-no-config";
        }

        @Override
        public String description() {
            return "takes no configuration (test)";
        }

        @Override
        public boolean checksConfigKeys() {
            return true;
        }

        @Override
        public Transform create() {
            return copy();
        }
    }

    /** A provider written before keys were checked: declares none, so any key is handed through. */
    public static final class Unchecked implements TransformProvider {
        @Override
        public String id() {
            return "test-unchecked";
        }

        @Override
        public String description() {
            return "declares no keys (test)";
        }

        @Override
        public Transform create() {
            return copy();
        }
    }
}
