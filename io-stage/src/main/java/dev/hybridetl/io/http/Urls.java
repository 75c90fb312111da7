package dev.hybridetl.io.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** What counts as a URL to fetch, and how a redirect's {@code Location} resolves. */
final class Urls {
    private Urls() {
    }

    /** The absolute http(s) URL in {@code text}, normalised and without fragment, or null if it is not one. */
    static URI parse(String text) {
        try {
            return checked(new URI(text));
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** {@code location} resolved against {@code base}, as {@link #parse} would accept it, or null. */
    static URI resolve(URI base, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            return checked(base.resolve(new URI(location.strip())));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static URI checked(URI uri) throws URISyntaxException {
        String scheme = uri.getScheme();
        if (scheme == null || uri.getHost() == null || uri.isOpaque()) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return null;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        URI result = new URI(scheme + "://" + uri.getRawAuthority() + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())).normalize();
        return result.toASCIIString().length() > UrlLines.MAX_LINE_BYTES ? null : result;
    }
}
