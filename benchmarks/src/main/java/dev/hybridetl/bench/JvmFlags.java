package dev.hybridetl.bench;

/**
 * The flags every JVM that opens a Chronicle queue or an Agrona buffer needs (see docs/operations.md), as
 * compile-time constants so that {@code @Fork(jvmArgsAppend = ...)} can name them: JMH forks with {@code java -cp},
 * where the jar manifest's Add-Opens/Add-Exports are not read. Without {@code sun.nio.ch} exported Chronicle silently
 * opens a read-only table store and appends fail later.
 */
public final class JvmFlags {
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    public static final String OPEN_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_NIO_CH = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String EXPORT_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String EXPORT_SUN_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_ANNOUNCER = "-Dchronicle.announcer.disable=true";
    public static final String NO_PERF_INFO = "-Ddisable.perf.info=true";

    /** All of the above, for launching a child JVM. */
    public static final String[] CHRONICLE = {OPEN_REFLECT, OPEN_LANG, OPEN_NIO, OPEN_NIO_CH, EXPORT_NIO_CH, EXPORT_REF,
            EXPORT_MISC, EXPORT_SUN_MISC, NO_ANALYTICS, NO_ANNOUNCER, NO_PERF_INFO};

    private JvmFlags() {
    }
}
