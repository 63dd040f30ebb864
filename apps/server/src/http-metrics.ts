/** Request counters and latency sums per route, rendered as Prometheus text. */
export class HttpMetrics {
  readonly #routes = new Map<string, RouteCounters>();

  /** The counters of one route; keep it and call `record` on it per request. */
  route(method: string, route: string): RouteCounters {
    const labels = `method="${method}",route="${escape(route)}"`;
    let counters = this.#routes.get(labels);
    if (!counters) {
      counters = new RouteCounters(labels);
      this.#routes.set(labels, counters);
    }
    return counters;
  }

  /** The counters in Prometheus text exposition format. */
  render(activeStreams: number): string {
    const lines = ['# HELP mastra_http_requests_total HTTP requests by route and status.', '# TYPE mastra_http_requests_total counter'];
    for (const counters of this.#routes.values()) {
      for (const [status, value] of counters.statuses) lines.push(`mastra_http_requests_total{${counters.labels},status="${status}"} ${value}`);
    }
    lines.push('# HELP mastra_http_request_duration_seconds Time to the response headers.', '# TYPE mastra_http_request_duration_seconds summary');
    for (const counters of this.#routes.values()) {
      if (counters.count === 0) continue;
      lines.push(`mastra_http_request_duration_seconds_sum{${counters.labels}} ${counters.sum}`, `mastra_http_request_duration_seconds_count{${counters.labels}} ${counters.count}`);
    }
    lines.push('# HELP mastra_http_open_streams Streams being written.', '# TYPE mastra_http_open_streams gauge', `mastra_http_open_streams ${activeStreams}`);
    return `${lines.join('\n')}\n`;
  }
}

/** Request counters of one route. */
export class RouteCounters {
  readonly labels: string;
  readonly statuses: Map<number, number> = new Map();
  count = 0;
  sum = 0;

  constructor(labels: string) {
    this.labels = labels;
  }

  /** Records one request. */
  record(status: number, seconds: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.count += 1;
    this.sum += seconds;
  }
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
