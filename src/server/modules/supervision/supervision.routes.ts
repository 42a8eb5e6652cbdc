import { z } from 'zod';
import { idParamsSchema } from '../../../shared/api/contracts';
import {
  contactBodySchema,
  contactParamsSchema,
  logQuerySchema,
  logViewSchema,
  notificationsQuerySchema,
  notificationsViewSchema,
  overdueViewSchema,
  remindBodySchema,
  remindResultSchema,
  settingsViewSchema,
  testSendBodySchema,
  testSendResultSchema,
  updateSettingsBodySchema,
} from '../../../shared/api/supervision';
import { actorOf } from '../../http/access-control';
import type { ApiInstance } from '../../http/types';
import type { SupervisionService } from './supervision.service';

export function registerSupervisionRoutes(app: ApiInstance, supervision: SupervisionService) {
  app.get(
    '/api/v1/supervision/overdue',
    {
      schema: {
        operationId: 'supervision.overdue',
        tags: ['supervision'],
        description: 'What is late now, by department, the latest first.',
        response: { 200: overdueViewSchema },
      },
    },
    async (request) => supervision.overdue(actorOf(request)),
  );

  app.get(
    '/api/v1/supervision/log',
    {
      schema: {
        operationId: 'supervision.log',
        tags: ['supervision'],
        description: 'Every reminder attempt (督办记录), newest first.',
        querystring: logQuerySchema,
        response: { 200: logViewSchema },
      },
    },
    async (request) => supervision.log(actorOf(request), request.query),
  );

  app.get(
    '/api/v1/supervision/settings',
    {
      schema: {
        operationId: 'supervision.settings',
        tags: ['supervision'],
        description: 'Robots (secrets masked), escalation days and department heads.',
        response: { 200: settingsViewSchema },
      },
    },
    async (request) => supervision.getSettings(actorOf(request)),
  );

  app.put(
    '/api/v1/supervision/settings',
    {
      schema: {
        operationId: 'supervision.updateSettings',
        tags: ['supervision'],
        body: updateSettingsBodySchema,
        response: { 200: settingsViewSchema },
      },
    },
    async (request) => supervision.updateSettings(actorOf(request), request.body),
  );

  app.put(
    '/api/v1/supervision/contacts/:departmentId',
    {
      schema: {
        operationId: 'supervision.saveContact',
        tags: ['supervision'],
        description: 'The department head reminders are escalated to.',
        params: contactParamsSchema,
        body: contactBodySchema,
        response: { 200: settingsViewSchema },
      },
    },
    async (request) =>
      supervision.saveContact(actorOf(request), request.params.departmentId, request.body),
  );

  app.post(
    '/api/v1/supervision/test',
    {
      schema: {
        operationId: 'supervision.testSend',
        tags: ['supervision'],
        description: 'Sends a test message on one channel and says whether it arrived.',
        body: testSendBodySchema,
        response: { 200: testSendResultSchema },
      },
    },
    async (request) => supervision.testSend(actorOf(request), request.body),
  );

  app.post(
    '/api/v1/supervision/remind',
    {
      schema: {
        operationId: 'supervision.remind',
        tags: ['supervision'],
        description:
          "催办 by hand: reminds a department's liaisons of all its late work (once a day).",
        body: remindBodySchema,
        response: { 200: remindResultSchema },
      },
    },
    async (request) => supervision.remind(actorOf(request), request.body.departmentId),
  );

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        operationId: 'notifications.list',
        tags: ['notifications'],
        querystring: notificationsQuerySchema,
        response: { 200: notificationsViewSchema },
      },
    },
    async (request) => supervision.notifications(actorOf(request), request.query.limit),
  );

  app.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        operationId: 'notifications.read',
        tags: ['notifications'],
        params: idParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await supervision.markRead(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      schema: {
        operationId: 'notifications.readAll',
        tags: ['notifications'],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await supervision.markAllRead(actorOf(request));
      return reply.code(204).send(null);
    },
  );
}
