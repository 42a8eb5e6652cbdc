import { defineConfig } from 'vitest/config';

/**
 * Two tiers. The pure tier (test/unit, test/shared, the parsing tests of test/import) needs no
 * PostgreSQL and runs in seconds, in both zones the app meets: UTC (servers) and
 * Asia/Shanghai (the institutions), so that no rule depends on the machine's zone. The
 * integration tier runs the real app on a real PostgreSQL (one per run, global-setup.ts).
 * `npm run test:unit` runs the pure tier; `npm test` everything; `npm run test:shanghai` the
 * integration tier once more with the machine in Beijing time (CI runs both).
 */
const pure = [
  'test/unit/**/*.test.ts',
  'test/shared/**/*.test.ts',
  'test/import/plan-parsing.test.ts',
  'test/import/plan-shapes.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      ...(['UTC', 'Asia/Shanghai'] as const).map((zone) => ({
        extends: true as const,
        test: {
          name: `pure ${zone}`,
          include: pure,
          env: { TZ: zone },
        },
      })),
      {
        extends: true as const,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The Beijing-time pass (`npm run test:shanghai`, run by CI after `npm test`) leaves out
          // the export tier, LibreOffice printing every export, to keep CI under 45 minutes; the
          // exports' dates and times are checked in both zones by the API tests that read them.
          exclude: [...pure, ...(process.env.LUOSHI_TEST_TZ ? ['test/export/**'] : [])],
          globalSetup: ['test/support/global-setup.ts'],
          ...(process.env.LUOSHI_TEST_TZ ? { env: { TZ: process.env.LUOSHI_TEST_TZ } } : {}),
        },
      },
    ],
  },
});
