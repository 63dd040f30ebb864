import { TypeValidationError } from '@mastra-ts/core';

/** Label values of one series. */
export type Labels = Record<string, string | number | boolean | undefined>;

/** A monotonically increasing counter. */
export interface Counter {
  inc(labels?: Labels, value?: number): void;
  /** The current value of a series (0 when never incremented). */
  get(labels?: Labels): number;
}

/** A gauge: a value that goes up and down. */
export interface Gauge {
  set(labels: Labels, value: number): void;
  get(labels?: Labels): number;
}

/** A histogram with cumulative buckets. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
  /** Count and sum of a series. */
  get(labels?: Labels): { count: number; sum: number };
}

/** Default buckets, in seconds, for latencies from 5 ms to 2 minutes. */
export const defaultLatencyBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Default buckets for token counts. */
export const defaultTokenBuckets: readonly number[] = [16, 64, 256, 1024, 4096, 16384, 65536, 262144];

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  labelNames: readonly string[];
  buckets: readonly number[];
  series: Map<string, { labels: string[]; value: number; counts: number[]; sum: number; count: number }>;
}

/** A registry of metrics rendered in the Prometheus text exposition format (version 0.0.4). */
export interface MetricsRegistry {
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  gauge(name: string, help: string, labelNames?: readonly string[]): Gauge;
  histogram(name: string, help: string, labelNames?: readonly string[], buckets?: readonly number[]): Histogram;
  /** Every metric as Prometheus text (`Content-Type: text/plain; version=0.0.4`). */
  renderPrometheus(): string;
  /** Drops every recorded value (the metrics stay registered). */
  reset(): void;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function invalid(field: string, value: unknown, message: string): TypeValidationError {
  return new TypeValidationError({ value, issues: [{ path: [field], message }], context: 'metric' });
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

/** Creates a metrics registry. Metric names must be unique; registering a name twice returns the same metric. */
export function createMetricsRegistry(): MetricsRegistry {
  const families = new Map<string, Family>();

  const register = (name: string, help: string, type: Family['type'], labelNames: readonly string[], buckets: readonly number[]): Family => {
    if (!metricName.test(name)) throw invalid('name', name, `"${name}" is not a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
    for (const label of labelNames) {
      if (!labelName.test(label) || label.startsWith('__') || (type === 'histogram' && label === 'le')) throw invalid('labelNames', label, `"${label}" is not a valid label name for ${name}`);
    }
    const existing = families.get(name);
    if (existing) {
      if (existing.type !== type || existing.labelNames.join() !== labelNames.join()) throw invalid('name', name, `metric ${name} is already registered as a ${existing.type} with labels [${existing.labelNames.join(', ')}]`);
      return existing;
    }
    const sorted = [...buckets].sort((a, b) => a - b);
    if (type === 'histogram' && (sorted.length === 0 || sorted.some((bucket) => !Number.isFinite(bucket)))) throw invalid('buckets', buckets, `histogram ${name} needs finite buckets`);
    const family: Family = { name, help, type, labelNames, buckets: sorted, series: new Map() };
    families.set(name, family);
    return family;
  };

  const seriesOf = (family: Family, labels: Labels | undefined) => {
    let key = '';
    const names = family.labelNames;
    for (let index = 0; index < names.length; index++) {
      const value = labels?.[names[index]!];
      key += index === 0 ? (value === undefined ? '' : String(value)) : `\u0000${value === undefined ? '' : String(value)}`;
    }
    let series = family.series.get(key);
    if (series === undefined) {
      const values = names.map((label) => {
        const value = labels?.[label];
        return value === undefined ? '' : String(value);
      });
      series = { labels: values, value: 0, counts: family.type === 'histogram' ? new Array<number>(family.buckets.length).fill(0) : [], sum: 0, count: 0 };
      family.series.set(key, series);
    }
    return series;
  };

  const labelText = (family: Family, values: readonly string[], extra?: string): string => {
    const parts = family.labelNames.map((label, index) => `${label}="${escapeLabel(values[index]!)}"`);
    if (extra !== undefined) parts.push(extra);
    return parts.length === 0 ? '' : `{${parts.join(',')}}`;
  };

  return {
    counter(name, help, labelNames = []) {
      const family = register(name, help, 'counter', labelNames, []);
      return {
        inc(labels, value = 1) {
          if (!(value >= 0)) throw invalid('value', value, `counter ${name} can only increase, got ${value}`);
          seriesOf(family, labels).value += value;
        },
        get: (labels) => family.series.get(family.labelNames.map((label) => String(labels?.[label] ?? '')).join('\u0000'))?.value ?? 0,
      };
    },
    gauge(name, help, labelNames = []) {
      const family = register(name, help, 'gauge', labelNames, []);
      return {
        set(labels, value) {
          seriesOf(family, labels).value = value;
        },
        get: (labels) => family.series.get(family.labelNames.map((label) => String(labels?.[label] ?? '')).join('\u0000'))?.value ?? 0,
      };
    },
    histogram(name, help, labelNames = [], buckets = defaultLatencyBuckets) {
      const family = register(name, help, 'histogram', labelNames, buckets);
      return {
        observe(labels, value) {
          if (!Number.isFinite(value)) return;
          const series = seriesOf(family, labels);
          series.sum += value;
          series.count++;
          const bounds = family.buckets;
          for (let index = 0; index < bounds.length; index++) if (value <= bounds[index]!) series.counts[index]!++;
        },
        get(labels) {
          const series = family.series.get(family.labelNames.map((label) => String(labels?.[label] ?? '')).join('\u0000'));
          return { count: series?.count ?? 0, sum: series?.sum ?? 0 };
        },
      };
    },
    renderPrometheus() {
      const lines: string[] = [];
      for (const family of families.values()) {
        lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
        for (const series of family.series.values()) {
          if (family.type !== 'histogram') {
            lines.push(`${family.name}${labelText(family, series.labels)} ${formatNumber(series.value)}`);
            continue;
          }
          family.buckets.forEach((bound, index) => lines.push(`${family.name}_bucket${labelText(family, series.labels, `le="${formatNumber(bound)}"`)} ${series.counts[index]}`));
          lines.push(`${family.name}_bucket${labelText(family, series.labels, 'le="+Inf"')} ${series.count}`);
          lines.push(`${family.name}_sum${labelText(family, series.labels)} ${formatNumber(series.sum)}`);
          lines.push(`${family.name}_count${labelText(family, series.labels)} ${series.count}`);
        }
      }
      return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    },
    reset() {
      for (const family of families.values()) family.series.clear();
    },
  };
}
