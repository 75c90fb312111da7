package dev.hybridetl.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.hybridetl.api.spi.StageRunnerFactory;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of docs/api.md, checked on the shipped classes of every module (this module's test class path
 * holds all of them except benchmarks, whose POM keeps it to pipeline-api and ipc at compile time; see
 * docs/api.md). Test classes are left out: a module's tests may reach into its own internals.
 *
 * <p>A failing rule names the offending class, member and line. Fix the code, not the rule: a rule changes only
 * together with docs/api.md.
 */
@AnalyzeClasses(packages = "dev.hybridetl", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** What a plugin (a Transform and its TransformProvider) may use of pipeline-api: docs/api.md, "Plugin authors". */
    static final Set<String> PLUGIN_API = Set.of(
            "dev.hybridetl.api.Transform",
            "dev.hybridetl.api.TransformProvider",
            "dev.hybridetl.api.TransformContext",
            "dev.hybridetl.api.RecordBatch",
            "dev.hybridetl.api.RecordBatchBuilder",
            "dev.hybridetl.api.Reject");

    /** Guards against rules that pass because a module fell off the class path: every package must be there. */
    @ArchTest
    static void every_module_is_analysed(JavaClasses classes) {
        Set<String> packages = classes.stream().map(JavaClass::getPackageName)
                .filter(name -> name.startsWith("dev.hybridetl.")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(packages).contains(
                "dev.hybridetl.api", "dev.hybridetl.api.spi",
                "dev.hybridetl.io", "dev.hybridetl.io.internal", "dev.hybridetl.io.http",
                "dev.hybridetl.io.stream", "dev.hybridetl.io.stream.internal",
                "dev.hybridetl.ipc",
                "dev.hybridetl.cpu.threads", "dev.hybridetl.cpu.processes",
                "dev.hybridetl.flights", "dev.hybridetl.web",
                "dev.hybridetl.app");
    }

    // --- pipeline-api ------------------------------------------------------------------------------------------

    @ArchTest
    static final ArchRule pipeline_api_uses_no_other_module = noClasses()
            .that().resideInAPackage("dev.hybridetl.api..")
            .should().dependOnClassesThat(ours().and(DescribedPredicate.not(resideInAPackage("dev.hybridetl.api.."))))
            .because("pipeline-api is the root every module builds on (docs/api.md)");

    @ArchTest
    static final ArchRule pipeline_api_uses_only_reactor_and_micrometer = classes()
            .that().resideInAPackage("dev.hybridetl.api..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.hybridetl.api..", "java..", "reactor..", "org.reactivestreams..", "io.micrometer..")
            .because("an embedder gets pipeline-api's dependencies too: Reactor and Micrometer, nothing else "
                    + "(docs/architecture.md, 'Dependencies of pipeline-api')");

    @ArchTest
    static final ArchRule only_the_engine_uses_the_spi_inside_pipeline_api = noClasses()
            .that().resideInAPackage("dev.hybridetl.api")
            .and().arePublic()
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.api.spi..")
            .because("the embedder's types must not mention the placement SPI; the engine (package-private: "
                    + "PipelineEngine and its helpers) is the one place that finds and drives placements");

    // --- who may use what ----------------------------------------------------------------------------------------

    @ArchTest
    static final ArchRule io_internal_is_used_only_by_io_stage = noClasses()
            .that().resideOutsideOfPackage("dev.hybridetl.io..")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.io.internal..")
            .because("dev.hybridetl.io.internal is internal: use FileSource and FileSink (docs/api.md)");

    @ArchTest
    static final ArchRule io_stream_internal_is_used_only_by_io_stream = noClasses()
            .that().resideOutsideOfPackage("dev.hybridetl.io.stream..")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.io.stream.internal..")
            .because("dev.hybridetl.io.stream.internal is internal: use TcpLineSource, FollowedFileSource and "
                    + "RollingFileSink (docs/api.md)");

    @ArchTest
    static final ArchRule file_io_does_not_know_streams = noClasses()
            .that().resideInAnyPackage("dev.hybridetl.io", "dev.hybridetl.io.internal")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.io.stream..")
            .because("streams are built on the file side's framing and dead-letter lines, never the other way "
                    + "round (docs/api.md)");

    @ArchTest
    static final ArchRule ipc_is_used_only_by_cpu_stage = noClasses()
            .that().resideOutsideOfPackages("dev.hybridetl.ipc..", "dev.hybridetl.cpu..", "dev.hybridetl.bench..")
            .should().dependOnClassesThat(resideInAPackage("dev.hybridetl.ipc..")
                    .and(DescribedPredicate.not(JavaClass.Predicates.simpleName("JvmAccess"))))
            .because("dev.hybridetl.ipc is the process placement's wire format, internal to cpu-stage "
                    + "(the benchmarks measure it too); only JvmAccess, the one list of the JVM flags it needs, "
                    + "is for everyone (the CLI prints it: pipeline-app jvm-flags)");

    @ArchTest
    static final ArchRule cpu_stage_is_reached_only_through_service_loader = noClasses()
            .that().resideOutsideOfPackage("dev.hybridetl.cpu..")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.cpu..")
            .because("placements are chosen with Placement and found by ServiceLoader, never named in code");

    @ArchTest
    static final ArchRule cpu_stage_exposes_only_its_providers_and_the_worker_entry_point = classes()
            .that().resideInAPackage("dev.hybridetl.cpu..").and().arePublic()
            .should().implement(StageRunnerFactory.class)
            .orShould().haveFullyQualifiedName("dev.hybridetl.cpu.processes.WorkerMain")
            .because("ServiceLoader needs public providers and the worker JVM a public main class; nothing else "
                    + "of cpu-stage needs to be public");

    @ArchTest
    static final ArchRule only_placements_use_the_spi = noClasses()
            .that().resideOutsideOfPackages("dev.hybridetl.api..", "dev.hybridetl.cpu..", "dev.hybridetl.test..")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.api.spi..")
            .because("dev.hybridetl.api.spi is for placement implementers (and the test kit that checks them, "
                    + "StageRunnerCompatibilityKit), not for plugins or embedders");

    @ArchTest
    static final ArchRule plugins_use_only_the_plugin_api = classes()
            .that().resideInAPackage("dev.hybridetl.flights..")
            .should().onlyDependOnClassesThat(DescribedPredicate.not(ours())
                    .or(resideInAPackage("dev.hybridetl.flights.."))
                    .or(pluginApi()))
            .because("flights is a plugin like any user's: it may use the plugin author's classes of "
                    + "dev.hybridetl.api (docs/api.md), not the SPI, io, ipc, cpu or app");

    @ArchTest
    static final ArchRule the_http_source_exposes_only_its_source_and_record_format = classes()
            .that().resideInAPackage("dev.hybridetl.io.http..").and().arePublic()
            .should().haveFullyQualifiedName("dev.hybridetl.io.http.HttpSource")
            .orShould().haveFullyQualifiedName("dev.hybridetl.io.http.HttpSource$Reasons")
            .orShould().haveFullyQualifiedName("dev.hybridetl.io.http.HttpRecord")
            .because("the crawler's API is HttpSource and the format of its records (docs/api.md); its fetcher, "
                    + "window and limits are package-private");

    @ArchTest
    static final ArchRule the_web_plugin_uses_only_the_plugin_api_and_the_http_record_format = classes()
            .that().resideInAPackage("dev.hybridetl.web..")
            .should().onlyDependOnClassesThat(DescribedPredicate.not(ours())
                    .or(resideInAPackage("dev.hybridetl.web.."))
                    .or(pluginApi())
                    .or(JavaClass.Predicates.equivalentTo(dev.hybridetl.io.http.HttpRecord.class)))
            .because("web-page is a plugin like flights, which also reads the HTTP source's records: through "
                    + "HttpRecord, their one decoder (docs/api.md)");

    @ArchTest
    static final ArchRule nothing_depends_on_the_app = noClasses()
            .that().resideOutsideOfPackage("dev.hybridetl.app..")
            .should().dependOnClassesThat().resideInAPackage("dev.hybridetl.app..")
            .because("app is the command line, the top of the build: a library module never uses it");

    @ArchTest
    static final ArchRule the_app_exposes_only_its_main_class = classes()
            .that().resideInAPackage("dev.hybridetl.app..").and().arePublic()
            .should().haveFullyQualifiedName("dev.hybridetl.app.Main")
            .because("the app is run, not embedded");

    // --- cycles --------------------------------------------------------------------------------------------------

    @ArchTest
    static final ArchRule modules_are_free_of_cycles = slices().matching("dev.hybridetl.(*)..")
            .should().beFreeOfCycles();

    /**
     * Every package its own slice, except dev.hybridetl.api.spi, which counts as part of dev.hybridetl.api: the
     * engine (api) drives placements through the SPI, and the SPI speaks in the API's types (Stage, RecordBatch).
     * That two-way use is by design, inside one jar, and confined to PipelineEngine (rule above).
     */
    @ArchTest
    static final ArchRule packages_are_free_of_cycles = slices().assignedFrom(new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (!name.startsWith("dev.hybridetl.")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(name.equals("dev.hybridetl.api.spi") ? "dev.hybridetl.api" : name);
        }

        @Override
        public String getDescription() {
            return "packages of dev.hybridetl (api.spi counted with api)";
        }
    }).should().beFreeOfCycles();

    // --- predicates ----------------------------------------------------------------------------------------------

    private static DescribedPredicate<JavaClass> ours() {
        return resideInAnyPackage("dev.hybridetl..");
    }

    /** A class of {@link #PLUGIN_API}, or one nested in it (Reject.Reasons). */
    private static DescribedPredicate<JavaClass> pluginApi() {
        return DescribedPredicate.describe("the plugin API " + new TreeSet<>(PLUGIN_API),
                c -> PLUGIN_API.contains(topLevel(c).getName()));
    }

    private static JavaClass topLevel(JavaClass c) {
        JavaClass outer = c;
        while (outer.getEnclosingClass().isPresent()) {
            outer = outer.getEnclosingClass().get();
        }
        return outer;
    }
}
