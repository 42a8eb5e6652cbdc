import { Button, Input, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { shiftIsoDate } from '../../../shared/findings/next-year';
import { plansApi } from '../../../shared/api/plans';
import { call } from '../../api/client';
import type { PlanDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';

export interface NextYearDateChoice {
  phases: { position: number; startsOn: string | null; endsOn: string | null }[];
  deliverables: { fromId: string; dueOn: string }[];
}

const later = (date: string | null) => (date ? shiftIsoDate(date, 1) : null);

/**
 * 开启下一年度's dates: each phase and deadline proposed one year on, editable; or, instead of a
 * copy, a new document through the import wizard.
 */
export function NextYearDates({
  planId,
  onChange,
}: {
  planId: string;
  onChange(choice: NextYearDateChoice): void;
}) {
  const { t } = useI18n();
  const [plan, setPlan] = useState<PlanDetail | null>(null);
  const [choice, setChoice] = useState<NextYearDateChoice | null>(null);
  useEffect(() => {
    call(plansApi.get, { params: { id: planId } }).then(
      (detail) => {
        setPlan(detail);
        const proposed = {
          phases: detail.phases.map((phase) => ({
            position: phase.position,
            startsOn: later(phase.startsOn),
            endsOn: later(phase.endsOn),
          })),
          deliverables: detail.deliverables.map((deliverable) => ({
            fromId: deliverable.id,
            dueOn: shiftIsoDate(deliverable.dueOn, 1),
          })),
        };
        setChoice(proposed);
        onChange(proposed);
      },
      () => setPlan(null),
    );
  }, [planId, onChange]);
  if (!plan || !choice) return <Spin />;
  const update = (next: NextYearDateChoice) => {
    setChoice(next);
    onChange(next);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="next-year-dates">
      <Typography.Text strong>{t('nextYear.dates')}</Typography.Text>
      {plan.phases.map((phase, index) => (
        <Space key={phase.id} wrap>
          <Typography.Text style={{ minWidth: 96, display: 'inline-block' }}>
            {phase.name}
          </Typography.Text>
          <Input
            type="date"
            aria-label={t('planEdit.startsOn', { phase: phase.name })}
            value={choice.phases[index]!.startsOn ?? ''}
            onChange={(event) =>
              update({
                ...choice,
                phases: choice.phases.map((entry, at) =>
                  at === index ? { ...entry, startsOn: event.target.value || null } : entry,
                ),
              })
            }
            style={{ width: 160 }}
          />
          <Input
            type="date"
            aria-label={t('planEdit.endsOn', { phase: phase.name })}
            value={choice.phases[index]!.endsOn ?? ''}
            onChange={(event) =>
              update({
                ...choice,
                phases: choice.phases.map((entry, at) =>
                  at === index ? { ...entry, endsOn: event.target.value || null } : entry,
                ),
              })
            }
            style={{ width: 160 }}
          />
        </Space>
      ))}
      {plan.deliverables.map((deliverable, index) => (
        <Space key={deliverable.id} wrap>
          <Typography.Text style={{ minWidth: 160, display: 'inline-block' }}>
            {deliverable.title}
          </Typography.Text>
          <Input
            type="date"
            aria-label={t('planEdit.dueOn', { title: deliverable.title })}
            value={choice.deliverables[index]!.dueOn}
            onChange={(event) =>
              update({
                ...choice,
                deliverables: choice.deliverables.map((entry, at) =>
                  at === index ? { ...entry, dueOn: event.target.value } : entry,
                ),
              })
            }
            style={{ width: 160 }}
          />
        </Space>
      ))}
      <Typography.Text type="secondary">
        {t('nextYear.fromDocument.hint')}{' '}
        <Button size="small" onClick={() => navigate('/import')} data-testid="next-year-import">
          {t('nextYear.fromDocument')}
        </Button>
      </Typography.Text>
    </Space>
  );
}
