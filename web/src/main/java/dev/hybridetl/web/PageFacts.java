package dev.hybridetl.web;

import java.util.Set;

/**
 * What {@link PageParser} found in one page.
 *
 * @param charset the charset the body was decoded with
 * @param title the title, or null
 * @param lang the language hint, or null
 * @param links distinct normalised outgoing links, in document order
 * @param words the body's word count
 */
record PageFacts(String charset, String title, String lang, Set<String> links, int words) {
}
