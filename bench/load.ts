/**
 * The load generator, in a process of its own so that it does not share the server's event loop:
 * `node --import tsx bench/load.ts '<LoadSpec as JSON>'` prints autocannon's figures as JSON.
 * A write of a versioned record names the version the previous answer returned, alternating
 * between two bodies, so every request is a real save (never a 409).
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'PATCH' | 'PUT' | 'POST';
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** For a versioned write: the body fields besides the version, alternated request by request. */
  write?: {
    version: number;
    bodies: Record<string, unknown>[];
    /** The body's field that names the version seen: `version` unless said (a report's is `basedOnVersion`). */
    versionField?: string;
    /**
     * Where the answer says the version now: its `version` unless said; else the entry of the
     * answer's `list` whose `id` is `id`, at `path` (a self-assessment answers its department's view).
     */
    versionIn?: { list: string; id: string; path: string[] };
  };
  /**
   * One request after another on each of `connections` loops (a write too), each request timed (for
   * percentiles autocannon does not report, such as p95).
   */
  sequential?: boolean;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Only in sequential mode. */
  p95?: number;
}

/** The version a write's answer says the record is at now. */
function versionOf(write: NonNullable<LoadSpec['write']>, answer: Record<string, unknown>): number {
  if (!write.versionIn) return answer.version as number;
  const { list, id, path } = write.versionIn;
  const entry = (answer[list] as Record<string, unknown>[]).find((row) => row.id === id);
  return path.reduce<unknown>(
    (value, key) => (value as Record<string, unknown>)[key],
    entry,
  ) as number;
}

/**
 * Sends `spec.url` one request at a time on each of `spec.connections` loops for the duration;
 * every latency counted. A write names the version the previous answer returned, as below.
 */
async function sequential(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const start = performance.now();
  const end = start + spec.durationSeconds * 1000;
  const write = spec.write;
  let version = write?.version ?? 0;
  let turn = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const body = write
        ? JSON.stringify({
            ...write.bodies[turn++ % write.bodies.length],
            [write.versionField ?? 'version']: version,
          })
        : undefined;
      const t0 = performance.now();
      const response = await fetch(spec.url, {
        method: spec.method,
        headers: body ? { ...spec.headers, 'content-type': 'application/json' } : spec.headers,
        ...(body ? { body } : {}),
      });
      const text = await response.text();
      latencies.push(performance.now() - t0);
      if (response.status < 200 || response.status >= 300) non2xx += 1;
      else if (write) version = versionOf(write, JSON.parse(text));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, spec.connections) }, loop));
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(
      (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN) *
        100,
    ) / 100;
  return {
    requestsPerSecond: (latencies.length / (performance.now() - start)) * 1000,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    max: at(1),
    mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
    requests: latencies.length,
    non2xx,
    errors: 0,
    timeouts: 0,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  if (spec.sequential) {
    process.stdout.write(`${JSON.stringify(await sequential(spec))}\n`);
    return;
  }
  const write = spec.write;
  let version = write?.version ?? 0;
  let turn = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: spec.headers,
    method: spec.method,
    requests: write
      ? [
          {
            method: spec.method,
            setupRequest: (request) => {
              const body = {
                ...write.bodies[turn++ % write.bodies.length],
                [write.versionField ?? 'version']: version,
              };
              return {
                ...request,
                headers: { ...request.headers, 'content-type': 'application/json' },
                body: JSON.stringify(body),
              };
            },
            onResponse: (status, body) => {
              if (status === 200 || status === 201) version = versionOf(write, JSON.parse(body));
            },
          },
        ]
      : undefined,
  });
  const output: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

if (process.argv[2]) await main();
