/**
 * Never-ending sources and the sink for them: {@link dev.hybridetl.io.stream.TcpLineSource} (a TCP line stream read
 * on demand, so TCP flow control slows the producer), {@link dev.hybridetl.io.stream.FollowedFileSource} (a growing
 * file followed like {@code tail -F}, through rotation, resumable at its position) and
 * {@link dev.hybridetl.io.stream.RollingFileSink} (numbered parts, each committed atomically when it rolls). A run of
 * them ends when it is stopped: {@link dev.hybridetl.api.PipelineRun#stop()}. See docs/streams.md and
 * docs/decisions/0009-sources-positions-and-endless-runs.md.
 */
package dev.hybridetl.io.stream;
