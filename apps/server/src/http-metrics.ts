/** Request counters and latency sums per route, rendered as Prometheus text. */
export class HttpMetrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, { count: number; sum: number }>();

  /** Records one request. */
  record(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${method}",route="${escape(route)}",status="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const durationKey = `method="${method}",route="${escape(route)}"`;
    const entry = this.#durations.get(durationKey) ?? { count: 0, sum: 0 };
    entry.count += 1;
    entry.sum += seconds;
    this.#durations.set(durationKey, entry);
  }

  /** The counters in Prometheus text exposition format. */
  render(activeStreams: number): string {
    const lines = ['# HELP mastra_http_requests_total HTTP requests by route and status.', '# TYPE mastra_http_requests_total counter'];
    for (const [labels, value] of this.#requests) lines.push(`mastra_http_requests_total{${labels}} ${value}`);
    lines.push('# HELP mastra_http_request_duration_seconds Time to the response headers.', '# TYPE mastra_http_request_duration_seconds summary');
    for (const [labels, { count, sum }] of this.#durations) {
      lines.push(`mastra_http_request_duration_seconds_sum{${labels}} ${sum}`, `mastra_http_request_duration_seconds_count{${labels}} ${count}`);
    }
    lines.push('# HELP mastra_http_open_streams Streams being written.', '# TYPE mastra_http_open_streams gauge', `mastra_http_open_streams ${activeStreams}`);
    return `${lines.join('\n')}\n`;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
