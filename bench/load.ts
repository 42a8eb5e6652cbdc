/**
 * The load generator, in a process of its own so that it does not share the server's event loop:
 * `node --import tsx bench/load.ts '<LoadSpec as JSON>'` prints autocannon's figures as JSON.
 * A PATCH of a versioned record names the version the previous answer returned, alternating
 * between two texts, so every request is a real save (never a 409).
 */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'PATCH';
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** For a versioned PATCH: the body fields besides `version`, alternated request by request. */
  patch?: { version: number; bodies: Record<string, unknown>[] };
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
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  let version = spec.patch?.version ?? 0;
  let turn = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: spec.headers,
    method: spec.method,
    requests: spec.patch
      ? [{
        method: 'PATCH',
        setupRequest: (request) => {
          const body = { ...spec.patch!.bodies[turn++ % spec.patch!.bodies.length], version };
          return { ...request, headers: { ...request.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
        },
        onResponse: (status, body) => {
          if (status === 200) version = (JSON.parse(body) as { version: number }).version;
        },
      }]
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
