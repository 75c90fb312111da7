package dev.hybridetl.cpu.processes;

import dev.hybridetl.ipc.QueueDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a worker needs to build its transform, passed as a 0600 properties file in the stage directory rather than
 * on the command line: no shell quoting, no length limit, and the configuration is not visible in {@code ps}.
 *
 * @param resultRingBytes capacity of the result ring each worker creates ({@link dev.hybridetl.ipc.ResultRing})
 */
record WorkerSpec(String stageName, String pluginId, Map<String, String> config, String header, int resultRingBytes) {
    private static final String CONFIG_PREFIX = "config.";

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("stageName", stageName);
        p.setProperty("pluginId", pluginId);
        p.setProperty("header", header);
        p.setProperty("resultRingBytes", Integer.toString(resultRingBytes));
        config.forEach((k, v) -> p.setProperty(CONFIG_PREFIX + k, v));
        QueueDirectory.createPrivateFile(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "hybrid-etl worker specification");
        }
    }

    static WorkerSpec read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(CONFIG_PREFIX)) {
                config.put(key.substring(CONFIG_PREFIX.length()), p.getProperty(key));
            }
        }
        return new WorkerSpec(required(p, "stageName", file), required(p, "pluginId", file), config,
                required(p, "header", file), Integer.parseInt(required(p, "resultRingBytes", file)));
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(file + " lacks '" + key + "'");
        }
        return v;
    }
}
