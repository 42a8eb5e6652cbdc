import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../shared/errors';
import { sendError } from './error-handler';

/**
 * Serves the built React app; every non-API GET that is not a file gets index.html so that
 * the app's own routes work on reload. Everything else that matches no route is request.not_found.
 */
export async function installWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const index = path.join(webRoot, 'index.html');
  if (!existsSync(index)) {
    app.log.warn({ webRoot }, 'web app not built; run "npm run build:web"');
    app.setNotFoundHandler((request, reply) =>
      sendError(request, reply, new AppError('request.not_found')),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: webRoot,
    index: false,
    wildcard: false,
    maxAge: '1h',
    immutable: false,
  });
  app.get('/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .sendFile(path.join('assets', file));
  });
  // 问卷作答: the survey answering page, its own small entry (no sign-in; the code is in the #hash)
  if (existsSync(path.join(webRoot, 'answer.html')))
    app.get('/s', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('cache-control', 'no-cache')
        .header('referrer-policy', 'no-referrer')
        .sendFile('answer.html'),
    );
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' || request.url.startsWith('/api/'))
      return sendError(request, reply, new AppError('request.not_found'));
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
