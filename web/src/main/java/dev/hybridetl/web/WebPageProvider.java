package dev.hybridetl.web;

import dev.hybridetl.api.Transform;
import dev.hybridetl.api.TransformProvider;

import java.util.Map;

/** Plugin {@code web-page}: the crawler's CPU stage, one JSON line of facts per fetched HTML page. */
public final class WebPageProvider implements TransformProvider {
    @Override
    public String id() {
        return "web-page";
    }

    @Override
    public String description() {
        return "HTTP source records (--source http) -> JSON lines: title, language, links, word count, SHA-256";
    }

    @Override
    public Map<String, String> configKeys() {
        return Map.of(WebPageTransform.MAX_LINKS_KEY, "how many outgoing links each line lists (the count is always "
                + "complete); default " + WebPageTransform.DEFAULT_MAX_LINKS + ", 0 lists none");
    }

    @Override
    public void validate(Map<String, String> config) {
        WebPageTransform.maxLinks(config);
    }

    @Override
    public Transform create() {
        return new WebPageTransform();
    }
}
