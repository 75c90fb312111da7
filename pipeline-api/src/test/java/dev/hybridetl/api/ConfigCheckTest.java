package dev.hybridetl.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration checked in {@link Pipeline.Builder#build()}: declared keys, "did you mean", the provider's hook. */
class ConfigCheckTest {

    private static Pipeline build(Stage stage) {
        return Pipeline.builder().source(new MemorySource(List.of("a", "b"), 1)).stage(stage).sink(new MemorySink())
                .build();
    }

    @Test
    void shouldSuggestTheDeclaredKeyWhenKeyIsMisspelt() {
        assertThatThrownBy(() -> build(Stage.plugin("test-keyed").withConfig("airport", "x.csv")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown config key 'airport' for transform 'test-keyed'; did you mean 'airports'?"
                        + " known keys: airports, mode");
    }

    @Test
    void shouldListKnownKeysWithoutHintWhenNothingIsClose() {
        assertThatThrownBy(() -> build(Stage.plugin("test-keyed").withConfig("colour", "red")))
                .hasMessage("unknown config key 'colour' for transform 'test-keyed'; known keys: airports, mode");
    }

    @Test
    void shouldNameEveryUnknownKeyAndTheRenamedStage() {
        Stage stage = Stage.plugin("test-keyed").withName("lookup").withConfig(Map.of("Mode", "fast", "zzz", "1"));

        assertThatThrownBy(() -> build(stage))
                .hasMessage("unknown config keys 'Mode', 'zzz' for transform 'test-keyed' (stage 'lookup');"
                        + " for 'Mode' did you mean 'mode'? known keys: airports, mode");
    }

    @Test
    void shouldRefuseEveryKeyWhenProviderTakesNoConfiguration() {
        assertThatThrownBy(() -> build(Stage.plugin("test-no-config").withConfig("mode", "fast")))
                .hasMessage("unknown config key 'mode' for transform 'test-no-config';"
                        + " known keys: (none: it takes no configuration)");
    }

    @Test
    void shouldPassAnyKeyWhenProviderDeclaresNone() {
        MemorySink sink = new MemorySink();
        Pipeline.builder().source(new MemorySource(List.of("a", "b"), 1))
                .stage(Stage.plugin("test-unchecked").withConfig("anything", "goes")).sink(sink).build().run();

        assertThat(sink.records).containsExactly("a", "b");
    }

    @Test
    void shouldRunWithDeclaredKeysWhenProviderAcceptsThem() {
        MemorySink sink = new MemorySink();
        Pipeline.builder().source(new MemorySource(List.of("a", "b"), 1))
                .stage(Stage.plugin("test-keyed").withConfig("mode", "slow").withConfig("airports", "x"))
                .sink(sink).build().run();

        assertThat(sink.records).containsExactly("a", "b");
    }

    @Test
    void shouldPrefixTheTransformWhenProviderRefusesItsConfiguration() {
        assertThatThrownBy(() -> build(Stage.plugin("test-keyed").withConfig("mode", "warp")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transform 'test-keyed': mode must be 'fast' or 'slow', was 'warp'");
    }

    @Test
    void shouldSuggestTheNearestTransformWhenIdIsMisspelt() {
        assertThatThrownBy(() -> build(Stage.plugin("test-keyd")))
                .hasMessageStartingWith("unknown transform 'test-keyd'; did you mean 'test-keyed'? known transforms: ")
                .hasMessageContaining("test-no-config");
    }

    @Test
    void shouldFindTheNearestNameByEditsOrPrefix() {
        Set<String> known = Set.of("airports", "mode", "model");

        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.closest("airport", known)).contains("airports");
        assertThat(Suggestions.closest("AIRPROTS", known)).contains("airports");
        assertThat(Suggestions.closest("air", known)).contains("airports");
        assertThat(Suggestions.closest("airports-file", known)).contains("airports");
        assertThat(Suggestions.closest("mod", known)).contains("mode");
        assertThat(Suggestions.closest("models", known)).contains("model");
        assertThat(Suggestions.closest("xyz", known)).isEmpty();
        assertThat(Suggestions.closest("", known)).isEmpty();
    }
}
