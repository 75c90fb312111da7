package dev.hybridetl.cpu.processes;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link ProcessesPipelineMain} with every class loaded by a {@link URLClassLoader} over this JVM's class path
 * (parent: the platform loader), as a plugin host would: WorkerMain is then not on the system class loader.
 */
public final class UrlClassLoaderHostMain {
    private UrlClassLoaderHostMain() {
    }

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        loader.loadClass(ProcessesPipelineMain.class.getName()).getMethod("main", String[].class)
                .invoke(null, (Object) args);
    }
}
