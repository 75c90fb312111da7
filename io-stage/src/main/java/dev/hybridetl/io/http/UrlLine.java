package dev.hybridetl.io.http;

/**
 * One line of the URL list.
 *
 * @param number its 1-based line number: the record's position
 * @param text the line without its terminator, trimmed; cut at {@link UrlLines#MAX_LINE_BYTES} if longer
 * @param tooLong whether the line was longer than that
 * @param endOffset bytes of the list consumed up to the end of this line
 */
record UrlLine(long number, String text, boolean tooLong, long endOffset) {
}
