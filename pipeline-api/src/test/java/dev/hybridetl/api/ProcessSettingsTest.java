package dev.hybridetl.api;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessSettingsTest {

    @Test
    void shouldDeriveTheWorkerClassPathByDefault() {
        assertThat(ProcessSettings.defaults().workerClassPath()).isEmpty();
        assertThat(new ProcessSettings(null, false, 64, List.of("-XX:+UseParallelGC")).workerClassPath()).isEmpty();
    }

    @Test
    void shouldKeepAnExplicitWorkerClassPathThroughTheWithers() {
        ProcessSettings s = ProcessSettings.defaults().withWorkerClassPath(List.of(Path.of("a.jar"), Path.of("lib")))
                .withWorkerHeapMb(64).withKeepQueues(true).withExtraJvmOptions(List.of("-Dx=1"));
        assertThat(s.workerClassPath()).containsExactly(Path.of("a.jar"), Path.of("lib"));
        assertThat(s.extraJvmOptions()).containsExactly("-Dx=1");
    }

    @Test
    void shouldRejectWorkerOptionsThatWouldReplaceTheClassPathOrMainClass() {
        for (String option : List.of("-cp", "-classpath", "--class-path", "--class-path=a.jar", "-jar")) {
            assertThatThrownBy(() -> ProcessSettings.defaults().withExtraJvmOptions(List.of(option)))
                    .as(option).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + option + "'").hasMessageContaining("workerClassPath");
        }
        assertThatThrownBy(() -> ProcessSettings.defaults().withExtraJvmOptions(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
    }

    @Test
    void shouldRejectAClassPathEntryThatHoldsSeveral() {
        assertThatThrownBy(() -> ProcessSettings.defaults().withWorkerClassPath(List.of(Path.of("a.jar:b.jar"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one path per entry");
    }
}
