import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import type { Database } from './db/client';
import { installAccessControl } from './http/access-control';
import { installErrorHandler } from './http/error-handler';
import { installSecurityHeaders } from './http/security-headers';
import { installWebApp } from './http/web-app';
import { configureDocumentReaders } from './io/document-pool';
import { configureDocumentWriters } from './io/document-writer-pool';
import { registerAssignmentRoutes } from './modules/assignments/assignment.routes';
import { createAssignmentService } from './modules/assignments/assignment.service';
import { installAuditHooks } from './modules/audit/audit.hooks';
import { registerAuditJobs } from './modules/audit/audit.jobs';
import { registerAuditRoutes } from './modules/audit/audit.routes';
import { createAuditService } from './modules/audit/audit.service';
import { registerAuthRoutes } from './modules/auth/auth.routes';
import { createAuthService } from './modules/auth/auth.service';
import { registerSsoRoutes } from './modules/sso/sso.routes';
import { createSsoService } from './modules/sso/sso.service';
import { registerBreakdownRoutes } from './modules/breakdowns/breakdown.routes';
import { createBreakdownService } from './modules/breakdowns/breakdown.service';
import { registerConclusionRoutes } from './modules/conclusion/conclusion.routes';
import { createConclusionService } from './modules/conclusion/conclusion.service';
import { registerFindingRoutes } from './modules/findings/finding.routes';
import { registerConductReportJobs } from './modules/conduct-reports/conduct-report.jobs';
import { registerConductReportRoutes } from './modules/conduct-reports/conduct-report.routes';
import { createConductReportService } from './modules/conduct-reports/conduct-report.service';
import { createFindingService } from './modules/findings/finding.service';
import { registerObligationRoutes } from './modules/obligations/obligation.routes';
import { createObligationService } from './modules/obligations/obligation.service';
import { registerDepartmentRoutes } from './modules/departments/department.routes';
import { createDepartmentService } from './modules/departments/department.service';
import type { EvidenceStore } from './modules/evidence/evidence.store';
import { evidenceStoreFromConfig } from './modules/evidence/evidence.s3-store';
import { registerEvidenceRoutes } from './modules/evidence/evidence.routes';
import { createEvidenceService } from './modules/evidence/evidence.service';
import { registerLedgerRoutes } from './modules/ledger/ledger.routes';
import { createLedgerService } from './modules/ledger/ledger.service';
import { createViewCache } from './modules/data-versions/view-cache';
import { sharedViewSerializerCompiler } from './http/shared-view-serializer';
import { registerPlanImportRoutes } from './modules/imports/plan-import.routes';
import { createPlanImportService } from './modules/imports/plan-import.service';
import { registerOrganizationRoutes } from './modules/organizations/organization.routes';
import { registerPlanRoutes } from './modules/plans/plan.routes';
import { createPlanService } from './modules/plans/plan.service';
import { registerPlanEditRoutes } from './modules/plans/plan-edit.routes';
import { createPlanEditService } from './modules/plans/plan-edit.service';
import { registerExtensionRoutes } from './modules/extensions/extension.routes';
import {
  createExtensionService,
  type ExtensionListener,
} from './modules/extensions/extension.service';
import { registerStandardRoutes } from './modules/standards/standard.routes';
import { createStandardService } from './modules/standards/standard.service';
import { registerSystemRoutes } from './modules/system/system.routes';
import { registerUserRoutes } from './modules/users/user.routes';
import { createSecretBox } from './modules/auth/secret-box';
import { createJobRunner, type JobRunner } from './modules/jobs/job.runner';
import { registerJobRoutes } from './modules/jobs/job.routes';
import { registerReportRoutes } from './modules/reports/report.routes';
import { registerDashboardRoutes } from './modules/dashboard/dashboard.routes';
import { createDashboardService } from './modules/dashboard/dashboard.service';
import { createReportService } from './modules/reports/report.service';
import { createJobService } from './modules/jobs/job.service';
import { mailerFromConfig, type Mailer } from './modules/supervision/channels';
import { registerSupervisionJobs } from './modules/supervision/supervision.jobs';
import { registerSupervisionRoutes } from './modules/supervision/supervision.routes';
import { registerOutboundRoutes } from './modules/outbound/outbound.routes';
import { createOutboundService } from './modules/outbound/outbound.service';
import { createSupervisionService } from './modules/supervision/supervision.service';
import { createNoticeService } from './modules/supervision/supervision.notices';
import { overdueSources } from './modules/supervision/supervision.sources';
import { registerOversightJobs } from './modules/oversight/oversight.jobs';
import { registerOversightRoutes } from './modules/oversight/oversight.routes';
import { createOversightService } from './modules/oversight/oversight.service';
import { createUserService } from './modules/users/user.service';
import { registerActivityRoutes } from './modules/activities/activity.routes';
import { createActivityService } from './modules/activities/activity.service';
import { registerSatisfactionRoutes } from './modules/satisfaction/satisfaction.routes';
import { createSatisfactionService } from './modules/satisfaction/satisfaction.service';
import { registerSurveyRoutes } from './modules/surveys/survey.routes';
import { createSurveyService } from './modules/surveys/survey.service';
import { registerTeacherRoutes } from './modules/teachers/teacher.routes';
import { createTeacherService } from './modules/teachers/teacher.service';
import { registerNotificationJobs } from './modules/notifications/notification.jobs';
import { registerNotificationRoutes } from './modules/notifications/notification.routes';
import { createNotificationService } from './modules/notifications/notification.service';
import {
  lateMeasures,
  missingOccurrences,
  missingPeriodReports,
} from './modules/supervision/supervision.sources';
import { registerTodoRoutes } from './modules/todo/todo.routes';
import { createTodoService } from './modules/todo/todo.service';
import { logSerializers } from './http/log-redaction';
import { guardedValidatorCompiler } from './http/input-guard';
import { installAnonymousRateLimit } from './http/anonymous-rate-limit';

export interface AppDependencies {
  db: Database;
  clock: Clock;
  config: AppConfig;
  /** The background job runner (main.ts polls it; tests call runDue). Without one, an idle runner is made. */
  jobs?: JobRunner;
  /** How reminders are e-mailed; null sends none. By default SMTP from LUOSHI_SMTP_URL, if set. */
  mailer?: Mailer | null;
  /** Where evidence files are kept; by default what config.evidenceStore names (local disk or S3). */
  evidenceStore?: EvidenceStore;
  /** Told of extension requests made and decided (messages to the office and the department). */
  extensionListener?: ExtensionListener;
}

export function createServices({
  db,
  clock,
  config,
  evidenceStore,
  extensionListener,
}: AppDependencies) {
  const store = evidenceStore ?? evidenceStoreFromConfig(config, clock);
  const planEdits = createPlanEditService({ db, clock });
  const views = createViewCache({ db, clock });
  return {
    views,
    planEdits,
    extensions: createExtensionService({
      db,
      clock,
      planEdits,
      ...(extensionListener ? { listener: extensionListener } : {}),
    }),
    auth: createAuthService({ db, clock, config }),
    users: createUserService({ db, clock, views }),
    departments: createDepartmentService({ db, clock }),
    standards: createStandardService({ db }),
    plans: createPlanService({ db }),
    planImports: createPlanImportService({ db, clock, maxFileBytes: config.uploadMaxBytes }),
    breakdowns: createBreakdownService({
      db,
      clock,
      maxFileBytes: config.uploadMaxBytes,
      views,
    }),
    assignments: createAssignmentService({ db, clock }),
    obligations: createObligationService({ db, clock }),
    evidence: createEvidenceService({ db, clock, store, maxFileBytes: config.uploadMaxBytes }),
    ledger: createLedgerService({ db, clock, views }),
    conclusion: createConclusionService({ db, clock }),
    findings: createFindingService({ db, clock, views }),
    teachers: createTeacherService({ db, clock }),
  };
}

export type Services = ReturnType<typeof createServices>;

/** Builds the whole HTTP app from its dependencies; it does not listen (main.ts does). */
export async function buildApp(
  dependencies: AppDependencies,
  options: { logger?: boolean; logStream?: { write(line: string): void } } = {},
): Promise<FastifyInstance> {
  const { db, config } = dependencies;
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'],
            // URLs and errors without the callbacks' codes, states, tickets and other secrets.
            serializers: logSerializers,
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  // zod, then no NUL bytes, impossible dates or integers beyond the columns' range (http/input-guard.ts).
  app.setValidatorCompiler(guardedValidatorCompiler);
  app.setSerializerCompiler(sharedViewSerializerCompiler);

  const services = createServices(dependencies);
  configureDocumentReaders(config.documentReaders);
  configureDocumentWriters(config.documentWriters);
  installErrorHandler(app, { uploadMaxBytes: config.uploadMaxBytes });
  installSecurityHeaders(app, config);
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10, parts: 12 },
    throwFileSizeLimit: true,
    preservePath: true,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Luoshi API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'luoshi_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await installAnonymousRateLimit(app, { max: config.anonymousRateLimit });
  installAccessControl(app, services.auth);
  installAuditHooks(app, db, dependencies.clock);

  registerSystemRoutes(app, db);
  registerAuthRoutes(app, services.auth, {
    secureCookies: config.secureCookies,
    idleTimeoutMinutes: config.sessionIdleMinutes,
  });
  registerSsoRoutes(
    app,
    createSsoService({ db, clock: dependencies.clock, config, auth: services.auth }),
    services.auth,
    { secureCookies: config.secureCookies, idleTimeoutMinutes: config.sessionIdleMinutes },
  );
  registerUserRoutes(app, services.users);
  registerOrganizationRoutes(app, db, dependencies.clock);
  registerDepartmentRoutes(app, services.departments);
  registerStandardRoutes(app, services.standards);
  registerPlanRoutes(app, services.plans);
  registerPlanEditRoutes(app, services.planEdits);
  registerExtensionRoutes(app, services.extensions);
  registerPlanImportRoutes(app, services.planImports);
  registerBreakdownRoutes(app, services.breakdowns);
  registerAssignmentRoutes(app, services.assignments);
  registerObligationRoutes(app, services.obligations);
  registerEvidenceRoutes(app, services.evidence);
  registerLedgerRoutes(app, services.ledger);
  registerConclusionRoutes(app, services.conclusion);
  registerFindingRoutes(app, services.findings);
  registerTeacherRoutes(app, services.teachers);
  registerSatisfactionRoutes(app, createSatisfactionService({ db, clock: dependencies.clock }));
  registerActivityRoutes(
    app,
    createActivityService({
      db,
      clock: dependencies.clock,
      maxFileBytes: config.uploadMaxBytes,
      views: services.views,
    }),
  );
  const conductReports = createConductReportService({ db, clock: dependencies.clock, config });
  registerConductReportRoutes(app, conductReports);
  // A signed-in write answered without error has committed: the organization's warmed views
  // (view-cache.ts) are computed again soon, in the background, rather than by their next reader.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return;
    if (request.signedIn) services.views.written(request.signedIn.actor.organizationId);
  });
  app.addHook('onClose', async () => services.views.close());
  const audit = createAuditService({ db, clock: dependencies.clock, views: services.views });
  registerAuditRoutes(app, audit);
  const jobs = dependencies.jobs ?? createJobRunner({ db, clock: dependencies.clock });
  registerAuditJobs(jobs, audit, config.auditRetentionDays);
  const mailer = dependencies.mailer === undefined ? mailerFromConfig(config) : dependencies.mailer;
  if (dependencies.mailer === undefined && mailer?.close)
    app.addHook('onClose', async () => mailer.close?.());
  const supervision = createSupervisionService({
    db,
    clock: dependencies.clock,
    config,
    mailer,
    secrets: createSecretBox(config),
    sources: overdueSources({ breakdowns: services.breakdowns }),
  });
  registerSupervisionJobs(jobs, supervision);
  registerOutboundRoutes(
    app,
    createOutboundService({
      db,
      clock: dependencies.clock,
      config,
      secrets: createSecretBox(config),
    }),
  );
  registerConductReportJobs(jobs, conductReports);
  registerSurveyRoutes(
    app,
    createSurveyService({
      db,
      clock: dependencies.clock,
      config,
      mailer,
      secrets: createSecretBox(config),
    }),
  );
  registerJobRoutes(app, createJobService({ db }));
  registerReportRoutes(app, createReportService({ db, clock: dependencies.clock, jobs }));
  const notices = createNoticeService({ db, clock: dependencies.clock, supervision });
  registerSupervisionRoutes(app, supervision, notices);
  registerDashboardRoutes(
    app,
    createDashboardService({ db, clock: dependencies.clock, supervision, views: services.views }),
  );
  const notifications = createNotificationService({
    db,
    clock: dependencies.clock,
    config,
    mailer,
    secrets: createSecretBox(config),
    sources: { measures: lateMeasures, periodReports: missingPeriodReports },
  });
  registerNotificationJobs(jobs, notifications);
  registerNotificationRoutes(app, notifications);
  registerTodoRoutes(
    app,
    createTodoService({
      db,
      clock: dependencies.clock,
      breakdowns: services.breakdowns,
      sources: { measures: lateMeasures, obligations: missingOccurrences },
      notices,
      views: services.views,
    }),
  );
  const oversight = createOversightService({
    db,
    clock: dependencies.clock,
    breakdowns: services.breakdowns,
    plans: services.plans,
    lateSources: overdueSources({ breakdowns: services.breakdowns }),
    views: services.views,
  });
  registerOversightJobs(jobs, oversight);
  registerOversightRoutes(app, oversight);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await installWebApp(app, config.webRoot);
  await app.ready();
  return app;
}
