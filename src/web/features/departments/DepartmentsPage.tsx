import { MergeCellsOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { assignmentsApi } from '../../../shared/api/assignments';
import type { DepartmentGroupView, DepartmentView, PlanTree } from '../../../shared/api/contracts';
import { departmentsApi } from '../../../shared/api/departments';
import { call } from '../../api/client';
import { useI18n } from '../../i18n';
import { usePlanTree } from '../../usePlanTree';
import { useServerAction } from '../../useServerAction';
import { usePlan } from '../../usePlan';

type Kind = DepartmentView['kind'];
const kinds: Kind[] = ['functional', 'teaching', 'other'];

/** Item numbers each department answers for, by name or through a group of its kind. */
function itemCounts(tree: PlanTree): Map<string, number> {
  const counts = new Map<string, Set<number>>();
  const add = (departmentId: string, no: number) =>
    counts.set(departmentId, (counts.get(departmentId) ?? new Set()).add(no));
  const membersOf = new Map(tree.groups.map((group) => [group.id, group.memberIds]));
  for (const level1 of tree.indicators)
    for (const level2 of level1.children)
      for (const item of level2.items) {
        for (const assignment of item.assignments) {
          if (assignment.departmentId) add(assignment.departmentId, item.no);
          else
            for (const memberId of membersOf.get(assignment.groupId ?? '') ?? [])
              add(memberId, item.no);
        }
      }
  return new Map([...counts].map(([id, numbers]) => [id, numbers.size]));
}

/** The items of the plan a group or placeholder still stands on. */
export function groupItems(tree: PlanTree, groupId: string) {
  return tree.indicators.flatMap((level1) =>
    level1.children.flatMap((level2) =>
      level2.items.filter((item) =>
        item.assignments.some((assignment) => assignment.groupId === groupId),
      ),
    ),
  );
}

function DepartmentForm({
  department,
  onDone,
}: {
  department: DepartmentView | null;
  onDone(): void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ name: string; kind: Kind; aliases: string[] }>();
  const { busy: saving, run } = useServerAction();
  async function save(values: { name: string; kind: Kind; aliases: string[] }) {
    const saved = await run(async () => {
      if (department)
        await call(departmentsApi.update, {
          params: { id: department.id },
          body: { ...values, version: department.version },
        });
      else await call(departmentsApi.create, { body: values });
      return t('departments.saved');
    });
    if (saved) onDone();
  }
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={department ?? { kind: 'teaching', aliases: [] }}
      onFinish={save}
    >
      <Form.Item
        name="name"
        label={t('departments.name')}
        rules={[{ required: true, whitespace: true, max: 100 }]}
      >
        <Input autoFocus />
      </Form.Item>
      <Form.Item name="kind" label={t('departments.kind')}>
        <Segmented
          options={kinds.map((kind) => ({ value: kind, label: t(`departments.kind.${kind}`) }))}
        />
      </Form.Item>
      <Form.Item name="aliases" label={t('departments.aliases')}>
        <Select mode="tags" open={false} placeholder={t('departments.aliases.placeholder')} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving}>
        {t('measure.save')}
      </Button>
    </Form>
  );
}

function AddManyForm({ onDone }: { onDone(): void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [kind, setKind] = useState<Kind>('teaching');
  const { busy: saving, run } = useServerAction();
  const names = [
    ...new Set(
      text
        .split(/[\r\n\t]+/)
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  async function save() {
    const created = await run(async () => {
      // Names that exist already are skipped, and said so, instead of refusing the whole list.
      const added = await call(departmentsApi.createMany, {
        body: { names, kind, skipExisting: true },
      });
      const addedNames = new Set(added.map((department) => department.name));
      const skipped = names.filter((name) => !addedNames.has(name));
      return (
        t('departments.added', { count: added.length }) +
        (skipped.length > 0 ? t('departments.skipped', { names: skipped.join('、') }) : '')
      );
    });
    if (created) onDone();
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text>{t('departments.addMany.names')}</Typography.Text>
      <Input.TextArea
        rows={8}
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-label={t('departments.addMany.names')}
        autoFocus
      />
      <Segmented
        value={kind}
        onChange={(value) => setKind(value as Kind)}
        options={kinds.map((entry) => ({ value: entry, label: t(`departments.kind.${entry}`) }))}
      />
      <Typography.Text type="secondary">
        {t('departments.addMany.count', { count: names.length })}
      </Typography.Text>
      <Button type="primary" disabled={names.length === 0} loading={saving} onClick={save}>
        {t('departments.addMany')}
      </Button>
    </Space>
  );
}

function MergeForm({
  department,
  departments,
  onDone,
}: {
  department: DepartmentView;
  departments: DepartmentView[];
  onDone(): void;
}) {
  const { t } = useI18n();
  const [intoId, setIntoId] = useState<string | null>(null);
  const { busy: saving, run } = useServerAction();
  const into = departments.find((candidate) => candidate.id === intoId);
  async function save() {
    if (!into) return;
    const merged = await run(async () => {
      await call(departmentsApi.merge, {
        params: { id: department.id },
        body: { intoId: into.id, version: department.version, intoVersion: into.version },
      });
      return t('departments.merged', { name: into.name });
    });
    if (merged) onDone();
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert
        type="warning"
        showIcon
        message={t('departments.merge.hint', { name: department.name })}
      />
      <Select
        showSearch
        style={{ width: '100%' }}
        placeholder={t('departments.merge.into')}
        aria-label={t('departments.merge.into')}
        optionFilterProp="label"
        value={intoId}
        onChange={setIntoId}
        options={departments
          .filter((candidate) => candidate.id !== department.id)
          .map((candidate) => ({ value: candidate.id, label: candidate.name }))}
      />
      <Button
        type="primary"
        danger
        disabled={!into}
        loading={saving}
        onClick={save}
        data-testid="merge-confirm"
      >
        {t('departments.merge.ok')}
      </Button>
    </Space>
  );
}

/** Names the departments behind a group or placeholder, on all or some of its items. */
export function ResolveGroupForm({
  planId,
  tree,
  group,
  onlyItemId,
  onDone,
}: {
  planId: string;
  tree: PlanTree;
  group: DepartmentGroupView;
  onlyItemId?: string;
  onDone(): void;
}) {
  const { t } = useI18n();
  const items = groupItems(tree, group.id);
  const [departmentIds, setDepartmentIds] = useState<string[]>(group.memberIds);
  const [itemIds, setItemIds] = useState<string[]>(
    onlyItemId ? [onlyItemId] : items.map((item) => item.id),
  );
  const { busy: saving, run } = useServerAction();
  async function save() {
    const resolved = await run(async () =>
      t(
        'groups.resolved',
        await call(assignmentsApi.resolveGroup, {
          params: { id: planId, groupId: group.id },
          body: { departmentIds, itemIds },
        }),
      ),
    );
    if (resolved) onDone();
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">
        {t('groups.resolve.hint', { name: group.name })}
      </Typography.Paragraph>
      <Typography.Text strong>{t('groups.resolve.departments')}</Typography.Text>
      <Select
        mode="multiple"
        showSearch
        optionFilterProp="label"
        style={{ width: '100%' }}
        aria-label={t('groups.resolve.departments')}
        value={departmentIds}
        onChange={setDepartmentIds}
        options={tree.departments.map((department) => ({
          value: department.id,
          label: department.name,
        }))}
        data-testid="resolve-departments"
      />
      <Typography.Text strong>{t('groups.resolve.items')}</Typography.Text>
      <Checkbox.Group
        value={itemIds}
        onChange={(values) => setItemIds(values as string[])}
        style={{ display: 'grid', gap: 4, maxHeight: 240, overflow: 'auto' }}
      >
        {items.map((item) => (
          <Checkbox key={item.id} value={item.id}>
            {item.no}. {item.content.slice(0, 48)}
            {item.content.length > 48 ? '…' : ''}
          </Checkbox>
        ))}
      </Checkbox.Group>
      <Button
        type="primary"
        disabled={departmentIds.length === 0 || itemIds.length === 0}
        loading={saving}
        onClick={save}
        data-testid="resolve-confirm"
      >
        {t('groups.resolve.ok')}
      </Button>
    </Space>
  );
}

type Dialog =
  | { kind: 'edit'; department: DepartmentView | null }
  | { kind: 'addMany' }
  | { kind: 'merge'; department: DepartmentView }
  | { kind: 'resolve'; group: DepartmentGroupView };

/** The coordinating office's list of departments, its groups and the placeholders still to name. */
export default function DepartmentsPage() {
  const { t } = useI18n();
  const { run } = useServerAction();
  const { planId, error: planError } = usePlan();
  const { tree, reload, error } = usePlanTree(planId);
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<Kind | 'all'>('all');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const counts = useMemo(() => (tree ? itemCounts(tree) : new Map<string, number>()), [tree]);

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!tree || !planId) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;
  const words = query.trim();
  const shown = tree.departments.filter(
    (department) =>
      (kind === 'all' || department.kind === kind) &&
      (!words || [department.name, ...department.aliases].some((name) => name.includes(words))),
  );
  const names = new Map(tree.departments.map((department) => [department.id, department.name]));
  const done = () => {
    setDialog(null);
    void reload();
  };
  async function changeKind(department: DepartmentView, next: Kind) {
    await run(async () => {
      await call(departmentsApi.update, {
        params: { id: department.id },
        body: { version: department.version, kind: next },
      });
      return t('departments.saved');
    });
    await reload();
  }
  async function remove(department: DepartmentView) {
    await run(async () => {
      await call(departmentsApi.delete, {
        params: { id: department.id },
        query: { version: department.version },
      });
      return t('departments.deleted');
    });
    await reload();
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('groups.title')}>
        <Typography.Paragraph type="secondary">{t('groups.hint')}</Typography.Paragraph>
        <Space direction="vertical" style={{ width: '100%' }}>
          {tree.groups.map((group) => {
            const items = groupItems(tree, group.id);
            return (
              <div
                key={group.id}
                className="group-row"
                data-testid="group-row"
                data-group={group.name}
              >
                <div>
                  <Tag
                    color={group.kind === 'group' ? 'purple' : 'warning'}
                    style={{ borderStyle: 'dashed' }}
                  >
                    {group.name}
                  </Tag>
                  <Typography.Text type="secondary">
                    {t(`groups.kind.${group.kind}`)}
                  </Typography.Text>
                </div>
                <div>
                  {group.kind === 'group' && (
                    <div>
                      {group.memberIds.length > 0 ? (
                        t('groups.members', {
                          count: group.memberIds.length,
                          names: group.memberIds.map((id) => names.get(id)).join(t('punct.enum')),
                        })
                      ) : (
                        <Typography.Text type="warning">{t('groups.members.none')}</Typography.Text>
                      )}
                    </div>
                  )}
                  <div>
                    {items.length > 0
                      ? t('groups.items', {
                          count: items.length,
                          numbers: items.map((item) => item.no).join(t('punct.enum')),
                        })
                      : t('groups.items.none')}
                  </div>
                </div>
                {items.length > 0 && (
                  <Button
                    onClick={() => setDialog({ kind: 'resolve', group })}
                    data-testid="resolve-group"
                  >
                    {t('groups.resolve')}
                  </Button>
                )}
              </div>
            );
          })}
        </Space>
      </Card>
      <Card
        title={t('departments.title')}
        extra={
          <Typography.Text type="secondary" data-testid="departments-shown">
            {t('departments.shown', { shown: shown.length, total: tree.departments.length })}
          </Typography.Text>
        }
      >
        <Typography.Paragraph type="secondary">{t('departments.hint')}</Typography.Paragraph>
        <div className="tree-toolbar">
          <Input.Search
            allowClear
            placeholder={t('departments.search')}
            onChange={(event) => setQuery(event.target.value)}
            data-testid="departments-search"
          />
          <Segmented
            value={kind}
            onChange={(value) => setKind(value as Kind | 'all')}
            options={(['all', ...kinds] as const).map((entry) => ({
              value: entry,
              label: t(`departments.kind.${entry}`),
            }))}
          />
          <Button
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'edit', department: null })}
          >
            {t('departments.add')}
          </Button>
          <Button
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'addMany' })}
            data-testid="add-many"
          >
            {t('departments.addMany')}
          </Button>
        </div>
        <Table<DepartmentView>
          size="small"
          rowKey="id"
          dataSource={shown}
          pagination={false}
          scroll={{ x: 760 }}
          onRow={(department) =>
            ({
              'data-testid': 'department-row',
              'data-name': department.name,
            }) as React.HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('departments.name'),
              render: (_value, department) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text strong>{department.name}</Typography.Text>
                  {department.aliases.length > 0 && (
                    <Space size={4} wrap>
                      {department.aliases.map((alias) => (
                        <Tag key={alias} bordered={false}>
                          {alias}
                        </Tag>
                      ))}
                    </Space>
                  )}
                </Space>
              ),
              sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
            },
            {
              title: t('departments.kind'),
              width: 150,
              render: (_value, department) => (
                <Select
                  size="small"
                  value={department.kind}
                  onChange={(next) => changeKind(department, next)}
                  options={kinds.map((entry) => ({
                    value: entry,
                    label: t(`departments.kind.${entry}`),
                  }))}
                  style={{ width: 120 }}
                  aria-label={t('departments.kind')}
                />
              ),
            },
            {
              title: t('departments.items'),
              width: 110,
              render: (_value, department) =>
                t('departments.items.count', { count: counts.get(department.id) ?? 0 }),
              sorter: (a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0),
            },
            {
              title: t('departments.actions'),
              width: 230,
              render: (_value, department) => (
                <Space size={0} wrap>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => setDialog({ kind: 'edit', department })}
                  >
                    {t('departments.edit')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    icon={<MergeCellsOutlined />}
                    onClick={() => setDialog({ kind: 'merge', department })}
                    data-testid="merge"
                  >
                    {t('departments.merge')}
                  </Button>
                  <Popconfirm
                    title={t('departments.delete.confirm', { name: department.name })}
                    onConfirm={() => remove(department)}
                  >
                    <Button type="link" size="small" danger>
                      {t('departments.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={dialog !== null}
        onCancel={() => setDialog(null)}
        footer={null}
        destroyOnHidden
        title={
          dialog?.kind === 'edit'
            ? dialog.department
              ? `${t('departments.edit')} · ${dialog.department.name}`
              : t('departments.add')
            : dialog?.kind === 'addMany'
              ? t('departments.addMany')
              : dialog?.kind === 'merge'
                ? t('departments.merge.title', { name: dialog.department.name })
                : dialog?.kind === 'resolve'
                  ? t('groups.resolve.title', { name: dialog.group.name })
                  : null
        }
      >
        {dialog?.kind === 'edit' && <DepartmentForm department={dialog.department} onDone={done} />}
        {dialog?.kind === 'addMany' && <AddManyForm onDone={done} />}
        {dialog?.kind === 'merge' && (
          <MergeForm department={dialog.department} departments={tree.departments} onDone={done} />
        )}
        {dialog?.kind === 'resolve' && (
          <ResolveGroupForm planId={planId} tree={tree} group={dialog.group} onDone={done} />
        )}
      </Modal>
    </Space>
  );
}
