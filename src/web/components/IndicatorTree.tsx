import {
  Button,
  Card,
  Collapse,
  Empty,
  Input,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import type { AssignmentView, PlanTree } from '../api/types';
import { useI18n } from '../i18n';

function DepartmentTag({ assignment }: { assignment: AssignmentView }) {
  const { t } = useI18n();
  if (assignment.targetKind === 'group') {
    return (
      <Tooltip title={t('item.group.tip')}>
        <Tag color="purple" style={{ borderStyle: 'dashed' }}>
          {assignment.name}
        </Tag>
      </Tooltip>
    );
  }
  if (assignment.targetKind === 'placeholder') {
    return (
      <Tooltip title={t('item.placeholder.tip')}>
        <Tag color="warning" style={{ borderStyle: 'dashed' }}>
          {assignment.name} ?
        </Tag>
      </Tooltip>
    );
  }
  return assignment.role === 'lead' ? (
    <Tag color="blue">
      {assignment.name} · {t('item.lead')}
    </Tag>
  ) : (
    <Tag>{assignment.name}</Tag>
  );
}

/** The standard's tree with each item's focus and departments; searchable and filterable by department. */
export function IndicatorTree({ tree }: { tree: PlanTree }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [department, setDepartment] = useState<string | null>(null);
  const [open, setOpen] = useState<string[]>(() => tree.indicators.map((level1) => level1.id));

  const total = tree.indicators.reduce(
    (sum, level1) =>
      sum + level1.children.reduce((count, level2) => count + level2.items.length, 0),
    0,
  );
  const filtered = useMemo(() => {
    const words = query.trim().toLowerCase();
    return tree.indicators
      .map((level1) => ({
        ...level1,
        children: level1.children
          .map((level2) => ({
            ...level2,
            items: level2.items.filter((item) => {
              const names = item.assignments.map((assignment) => assignment.name);
              if (department && !names.includes(department)) return false;
              if (!words) return true;
              return [
                String(item.no),
                item.content,
                item.focus,
                level1.title,
                level2.title,
                ...names,
              ].some((text) => text.toLowerCase().includes(words));
            }),
          }))
          .filter((level2) => level2.items.length > 0),
      }))
      .filter((level1) => level1.children.length > 0);
  }, [tree, query, department]);
  const shown = filtered.reduce(
    (sum, level1) =>
      sum + level1.children.reduce((count, level2) => count + level2.items.length, 0),
    0,
  );

  const departmentOptions = [
    ...tree.departments.map((entry) => ({ value: entry.name, label: entry.name })),
    ...tree.groups.map((group) => ({ value: group.name, label: group.name })),
  ];

  return (
    <Card
      title={t('tree.title')}
      extra={
        <Typography.Text type="secondary" data-testid="items-shown">
          {t('tree.shown', { shown, total })}
        </Typography.Text>
      }
    >
      <div className="tree-toolbar">
        <Input.Search
          allowClear
          placeholder={t('tree.search')}
          onChange={(event) => setQuery(event.target.value)}
          data-testid="tree-search"
        />
        <Select
          allowClear
          showSearch
          placeholder={t('tree.department')}
          value={department}
          onChange={(value) => setDepartment(value ?? null)}
          options={departmentOptions}
        />
        <Space>
          <Button onClick={() => setOpen(tree.indicators.map((level1) => level1.id))}>
            {t('tree.expandAll')}
          </Button>
          <Button onClick={() => setOpen([])}>{t('tree.collapseAll')}</Button>
        </Space>
      </div>
      {filtered.length === 0 ? (
        <Empty description={t('tree.empty')} />
      ) : (
        <Collapse
          activeKey={query || department ? filtered.map((level1) => level1.id) : open}
          onChange={(keys) => setOpen(keys as string[])}
          items={filtered.map((level1) => ({
            key: level1.id,
            label: (
              <span data-testid="level1">
                <strong>
                  {level1.title
                    ? `${level1.code ? `${level1.code}、` : ''}${level1.title}`
                    : t('tree.flat')}
                </strong>
              </span>
            ),
            extra: (
              <Typography.Text type="secondary">
                {t('tree.items', {
                  count: level1.children.reduce((count, level2) => count + level2.items.length, 0),
                })}
              </Typography.Text>
            ),
            children: level1.children.map((level2) => (
              <section key={level2.id}>
                {level2.title && (
                  <div className="level2-title" data-testid="level2">
                    {level2.levels.length > 2
                      ? // a deeper plan: each level below the first with its own numbering
                        level2.levels
                          .slice(1)
                          .map((level) =>
                            level.code ? `${level.code}. ${level.title}` : level.title,
                          )
                          .join(' › ')
                      : `${level2.code ? `${level2.code}. ` : ''}${level2.title}`}
                  </div>
                )}
                {level2.items.map((item) => (
                  <div className="item-row" key={item.id} data-testid="item" data-item-no={item.no}>
                    <div className="item-no">{item.no}</div>
                    <div>
                      <Typography.Paragraph style={{ marginBottom: 4 }}>
                        {item.content}
                      </Typography.Paragraph>
                      {item.focus && (
                        <div className="item-focus">
                          <strong>
                            {t('item.focus')}
                            {t('punct.colon')}
                          </strong>
                          {item.focus}
                        </div>
                      )}
                      {item.leader && (
                        <div className="item-focus" data-testid="item-leader">
                          <strong>
                            {t('item.leader')}
                            {t('punct.colon')}
                          </strong>
                          {item.leader}
                        </div>
                      )}
                      {Object.entries(item.extra).map(([header, value]) => (
                        <div className="item-focus" key={header}>
                          <strong>
                            {header}
                            {t('punct.colon')}
                          </strong>
                          {value}
                        </div>
                      ))}
                      <div
                        className="item-departments"
                        style={{ marginTop: 6 }}
                        aria-label={t('item.departments')}
                      >
                        {item.assignments.map((assignment) => (
                          <DepartmentTag key={assignment.id} assignment={assignment} />
                        ))}
                      </div>
                    </div>
                  </div>
                ))}
              </section>
            )),
          }))}
        />
      )}
    </Card>
  );
}
