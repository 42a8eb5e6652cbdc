import { Alert, Button, Descriptions, Grid, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ssoApi, type IdentityProviderView, type SsoTestSignInView } from '../../../shared/api/sso';
import type { MessageKey } from '../../../shared/i18n/messages';
import { describeTestSignIn, type Wording } from '../../../shared/sso/test-sign-in';
import { formatDateTime } from '../../../shared/time-format';
import { call } from '../../api/client';
import { useInvalidate, useOperation } from '../../api/query';
import { useI18n } from '../../i18n';
import { useServerAction } from '../../useServerAction';

/** The test sign-in the address names (?ssoTest=…): where the callback sent the browser back. */
export function testIdOfAddress(): string | null {
  return new URLSearchParams(window.location.search).get('ssoTest');
}

/** 测试登录: opens a test attempt and sends the browser to the campus login page, or shows a test that ended at once. */
export function TestSignInButton({
  provider,
  onFinished,
}: {
  provider: IdentityProviderView;
  onFinished(testId: string): void;
}) {
  const { t } = useI18n();
  const { busy, run } = useServerAction();
  return (
    <Button
      loading={busy}
      data-testid="sign-on-test"
      onClick={() =>
        void run(async () => {
          const answer = await call(ssoApi.startTest, { params: { providerId: provider.id } });
          if (answer.kind === 'redirect') window.location.assign(answer.location);
          else onFinished(answer.testId);
          return null;
        })
      }
    >
      {t('signOn.test.button')}
    </Button>
  );
}

function TestResult({ test }: { test: SsoTestSignInView }) {
  const { t } = useI18n();
  const wording = describeTestSignIn(test);
  const say = (part: Wording | null) => (part ? t(part.key, part.params) : null);
  // On a phone the values go under their labels: a campus id is not broken into pieces.
  const wide = Grid.useBreakpoint().md ?? true;
  const claims = test.claims;
  const match = test.outcome === 'ok' ? test.wouldMatch : null;
  return (
    <Alert
      type={wording.tone}
      showIcon
      data-testid="sign-on-test-result"
      data-outcome={test.outcome}
      message={say(wording.headline)}
      description={
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          {wording.explanation && (
            <Typography.Text data-testid="sign-on-test-why">
              {say(wording.explanation)}
            </Typography.Text>
          )}
          {wording.advice && (
            <Typography.Text strong data-testid="sign-on-test-fix">
              {say(wording.advice)}
            </Typography.Text>
          )}
          {test.reasonText && (
            <div>
              <Typography.Text type="secondary">{t('signOn.test.exact')}：</Typography.Text>
              <Typography.Text
                code
                copyable
                data-testid="sign-on-test-exact"
                style={{ wordBreak: 'break-all' }}
              >
                {test.reasonText}
              </Typography.Text>
            </div>
          )}
          {match && (
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('signOn.test.wouldMatch')}>
                <Space wrap>
                  <span data-testid="sign-on-test-account">
                    {t('signOn.test.match.account', {
                      displayName: match.displayName,
                      username: match.username,
                    })}
                  </span>
                  <Tag>{t(`role.${match.role}` as MessageKey)}</Tag>
                  {match.departmentName && <Tag>{match.departmentName}</Tag>}
                </Space>
              </Descriptions.Item>
            </Descriptions>
          )}
          {claims && (
            <Descriptions
              size="small"
              column={1}
              layout={wide ? 'horizontal' : 'vertical'}
              title={t('signOn.test.claims')}
              style={{ wordBreak: 'break-word' }}
            >
              <Descriptions.Item label={t('signOn.test.claim.subject')}>
                <Typography.Text style={{ wordBreak: 'break-all' }}>
                  {claims.subject}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item
                label={t('signOn.test.claim.campusId', { attribute: claims.campusIdAttribute })}
              >
                <span data-testid="sign-on-test-campus-id">{claims.campusId ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('signOn.test.claim.displayName')}>
                {claims.displayName ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('signOn.test.claim.email')}>
                {claims.email ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('signOn.test.claim.department')}>
                {claims.departmentName ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('signOn.test.claim.attributes')}>
                <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
                  {claims.attributeNames.join(', ') || '—'}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          )}
          <Typography.Text type="secondary">
            {t('signOn.test.by', {
              name: test.startedByName,
              time: formatDateTime(test.finishedAt),
            })}
          </Typography.Text>
        </Space>
      }
    />
  );
}

/**
 * A provider's recent test sign-ins, newest first: the one the address names (or the newest) in
 * full, the earlier ones one line each, opened on demand.
 */
export function TestResults({
  provider,
  highlight,
}: {
  provider: IdentityProviderView;
  highlight: string | null;
}) {
  const { t } = useI18n();
  const query = useOperation(ssoApi.testResults, { params: { providerId: provider.id } });
  const [opened, setOpened] = useState<string | null>(null);
  const anchor = useRef<HTMLDivElement>(null);
  const tests = query.data ?? [];
  const named = highlight ? tests.find((test) => test.id === highlight) : undefined;
  const shown = tests.find((test) => test.id === opened) ?? named ?? tests[0];

  useEffect(() => {
    if (named) anchor.current?.scrollIntoView({ block: 'start' });
  }, [named]);

  if (!query.data) return null;
  return (
    <div ref={anchor} data-testid="sign-on-tests" style={{ marginTop: 16 }}>
      <Typography.Title level={5}>{t('signOn.test.results')}</Typography.Title>
      {tests.length === 0 ? (
        <Typography.Paragraph type="secondary">{t('signOn.test.none')}</Typography.Paragraph>
      ) : (
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          {shown && <TestResult test={shown} />}
          {tests
            .filter((test) => test.id !== shown?.id)
            .map((test) => (
              <Button
                key={test.id}
                type="link"
                size="small"
                style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                onClick={() => setOpened(test.id)}
              >
                <Space wrap size={4}>
                  <Tag color={test.outcome === 'ok' ? 'green' : 'red'}>
                    {t(test.outcome === 'ok' ? 'signOn.test.tag.ok' : 'signOn.test.tag.refused')}
                  </Tag>
                  <span>{formatDateTime(test.finishedAt)}</span>
                  <Typography.Text type="secondary">
                    {test.reasonText ?? test.wouldMatch?.username}
                  </Typography.Text>
                </Space>
              </Button>
            ))}
        </Space>
      )}
    </div>
  );
}

/** After a test that ended at once: the address names it, and the list is read again. */
export function useTestFinished(setHighlight: (id: string) => void) {
  const invalidate = useInvalidate();
  return (testId: string) => {
    const url = new URL(window.location.href);
    url.searchParams.set('ssoTest', testId);
    window.history.replaceState(window.history.state, '', url);
    setHighlight(testId);
    void invalidate(ssoApi.testResults);
  };
}
