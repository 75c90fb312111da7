package dev.hybridetl.app;

import dev.hybridetl.api.TransformProvider;
import dev.hybridetl.api.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;

/** Lists the transform plugins on the class path with their configuration keys. */
@Command(name = "transforms", mixinStandardHelpOptions = true,
        description = "List the transforms that --transform accepts, with their --config keys.")
final class TransformsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (TransformProvider p : Transforms.all().values()) {
            out.println(p.id() + "  " + p.description());
            for (Map.Entry<String, String> key : p.configKeys().entrySet()) {
                out.println("    --config " + key.getKey() + "=...  " + key.getValue());
            }
        }
    }
}
