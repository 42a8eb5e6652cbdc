import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors';

/**
 * A limit on every public endpoint that does work for an anonymous caller (the campus sign-on
 * steps, which write attempts and call the provider; the provider list; health): `max` requests a
 * minute per address, then request.rate_limited. Signed-in operations are not limited here, and
 * the password sign-in has its own exact per-address limit of failures (auth.service.ts). The
 * count is per app process (in memory): a flood is what it stops, not a careful attacker spread
 * over processes.
 */
export async function installAnonymousRateLimit(
  app: FastifyInstance,
  options: { max: number },
): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.max,
    timeWindow: 60_000,
    allowList: (request) => {
      const { access, operationId } = request.routeOptions.config as {
        access?: unknown;
        operationId?: string;
      };
      return access !== 'public' || operationId === 'auth.signIn';
    },
    errorResponseBuilder: () => new AppError('request.rate_limited'),
  });
}
