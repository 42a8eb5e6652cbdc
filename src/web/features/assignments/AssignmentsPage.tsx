import { WarningOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Card,
  Input,
  Modal,
  Segmented,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { assignmentsApi, type ItemAssignments } from '../../../shared/api/assignments';
import { nextCellRole, type AssignmentRole } from '../../../shared/assignments';
import type { AssignmentView, DepartmentGroupView, PlanTree } from '../../../shared/api/contracts';
import { call } from '../../api/client';
import { useI18n } from '../../i18n';
import { errorText, usePlanTree } from '../../usePlanTree';
import { usePlan } from '../../usePlan';
import { ResolveGroupForm } from '../departments/DepartmentsPage';

type ItemRow = PlanTree['indicators'][number]['children'][number]['items'][number] & {
  level1: string;
  level2: string;
};
interface MatrixColumn {
  id: string;
  name: string;
  target: 'department' | 'group' | 'placeholder';
}

function RoleMark({ role }: { role: AssignmentRole | undefined }) {
  const { t } = useI18n();
  if (role === 'lead') return <span className="cell-mark lead">{t('matrix.lead')}</span>;
  if (role === 'support') return <span className="cell-mark support">{t('matrix.support')}</span>;
  return <span className="cell-mark" />;
}

/** The items × departments matrix: who leads and who supports each item, edited a click at a time. */
export default function AssignmentsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { planId, error: planError } = usePlan();
  const { tree, setTree, reload, error } = usePlanTree(planId);
  const [query, setQuery] = useState('');
  const [columnQuery, setColumnQuery] = useState('');
  const [columnScope, setColumnScope] = useState<'assigned' | 'all'>('assigned');
  const [saving, setSaving] = useState<string | null>(null);
  const [resolving, setResolving] = useState<{ group: DepartmentGroupView; itemId: string } | null>(
    null,
  );

  const rows = useMemo<ItemRow[]>(
    () =>
      tree
        ? tree.indicators.flatMap((level1) =>
            level1.children.flatMap((level2) =>
              level2.items.map((item) => ({ ...item, level1: level1.title, level2: level2.title })),
            ),
          )
        : [],
    [tree],
  );

  if (error ?? planError) return <Alert type="error" showIcon message={error ?? planError} />;
  if (!tree || !planId) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  const assigned = new Set(
    rows.flatMap((row) =>
      row.assignments.map((assignment) => assignment.departmentId ?? assignment.groupId),
    ),
  );
  const columnWords = columnQuery.trim();
  const matrixColumns: MatrixColumn[] = [
    ...tree.groups.map((group) => ({ id: group.id, name: group.name, target: group.kind })),
    ...tree.departments.map((department) => ({
      id: department.id,
      name: department.name,
      target: 'department' as const,
    })),
  ].filter(
    (column) =>
      (columnScope === 'all' || assigned.has(column.id)) &&
      (!columnWords || column.name.includes(columnWords)),
  );
  const words = query.trim();
  const shownRows = rows.filter(
    (row) =>
      !words ||
      String(row.no) === words ||
      row.content.includes(words) ||
      row.focus.includes(words) ||
      row.level2.includes(words),
  );

  const assignmentOf = (row: ItemRow, column: MatrixColumn): AssignmentView | undefined =>
    row.assignments.find((assignment) =>
      column.target === 'department'
        ? assignment.departmentId === column.id
        : assignment.groupId === column.id,
    );

  function replaceItem(updated: ItemAssignments) {
    setTree(
      (current) =>
        current && {
          ...current,
          indicators: current.indicators.map((level1) => ({
            ...level1,
            children: level1.children.map((level2) => ({
              ...level2,
              items: level2.items.map((item) =>
                item.id === updated.itemId ? { ...item, assignments: updated.assignments } : item,
              ),
            })),
          })),
        },
    );
  }

  async function cycle(row: ItemRow, column: MatrixColumn) {
    if (column.target === 'placeholder') {
      const group = tree!.groups.find((candidate) => candidate.id === column.id)!;
      if (assignmentOf(row, column)) setResolving({ group, itemId: row.id });
      return;
    }
    const key = `${row.id}/${column.id}`;
    setSaving(key);
    try {
      const role = nextCellRole(assignmentOf(row, column)?.role ?? null);
      const target =
        column.target === 'department' ? { departmentId: column.id } : { groupId: column.id };
      replaceItem(
        await call(assignmentsApi.set, {
          params: { id: planId!, itemId: row.id },
          body: { ...target, role },
        }),
      );
      message.success({ content: t('matrix.saved'), key: 'matrix-saved', duration: 1.2 });
    } catch (caught) {
      message.error(errorText(caught, t('error.network')), 8);
    } finally {
      setSaving(null);
    }
  }

  const roleWord = (role: AssignmentRole | undefined) =>
    role ? t(`breakdown.role.${role}`) : t('matrix.cell.none');
  const columns: ColumnsType<ItemRow> = [
    {
      title: '#',
      dataIndex: 'no',
      width: 52,
      fixed: 'left',
      render: (no: number, row) => (
        <span className="item-no">
          {!row.assignments.some((assignment) => assignment.role === 'lead') && (
            <Tooltip title={t('matrix.noLead')}>
              <WarningOutlined
                style={{ color: '#d48806', marginRight: 2 }}
                aria-label={t('matrix.noLead')}
              />
            </Tooltip>
          )}
          {no}
        </span>
      ),
    },
    {
      title: t('matrix.item'),
      width: 260,
      fixed: 'left',
      render: (_value, row) => (
        <Tooltip
          title={
            <>
              <div>
                {row.level1} / {row.level2}
              </div>
              <div>{row.content}</div>
            </>
          }
          placement="right"
        >
          <div className="matrix-item">{row.content}</div>
        </Tooltip>
      ),
    },
    ...matrixColumns.map((column) => ({
      key: column.id,
      width: 40,
      align: 'center' as const,
      title: (
        <span className={`matrix-head ${column.target}`} title={column.name}>
          {column.name}
        </span>
      ),
      onCell: (row: ItemRow) =>
        ({
          onClick: () => void cycle(row, column),
          className: `matrix-cell ${saving === `${row.id}/${column.id}` ? 'saving' : ''}`,
          'data-testid': 'matrix-cell',
          'data-item-no': row.no,
          'data-column': column.name,
        }) as React.TdHTMLAttributes<HTMLTableCellElement>,
      render: (_value: unknown, row: ItemRow) => {
        const assignment = assignmentOf(row, column);
        if (column.target === 'placeholder') {
          return assignment ? (
            <Tooltip title={t('matrix.placeholder.tip', { no: row.no, name: column.name })}>
              <span className="cell-mark placeholder">?</span>
            </Tooltip>
          ) : null;
        }
        return (
          <Tooltip
            title={t('matrix.cell.tip', {
              department: column.name,
              no: row.no,
              role: roleWord(assignment?.role),
            })}
            mouseEnterDelay={0.5}
          >
            <RoleMark role={assignment?.role} />
          </Tooltip>
        );
      },
    })),
  ];

  return (
    <Card title={t('matrix.title')}>
      <Typography.Paragraph type="secondary">{t('matrix.hint')}</Typography.Paragraph>
      <div className="tree-toolbar">
        <Input.Search
          allowClear
          placeholder={t('matrix.search')}
          onChange={(event) => setQuery(event.target.value)}
          data-testid="matrix-search"
        />
        <Input
          allowClear
          placeholder={t('matrix.columnSearch')}
          onChange={(event) => setColumnQuery(event.target.value)}
          style={{ maxWidth: 220 }}
          data-testid="matrix-column-search"
        />
        <Segmented
          value={columnScope}
          onChange={(value) => setColumnScope(value as 'assigned' | 'all')}
          options={[
            { value: 'assigned', label: t('matrix.columns.assigned') },
            { value: 'all', label: t('matrix.columns.all') },
          ]}
        />
        <Space size={4} wrap>
          <Typography.Text type="secondary">
            {t('matrix.legend')}
            {t('punct.colon')}
          </Typography.Text>
          <RoleMark role="lead" />
          <span>{t('breakdown.role.lead')}</span>
          <RoleMark role="support" />
          <span>{t('breakdown.role.support')}</span>
          <Tag color="purple" style={{ borderStyle: 'dashed', margin: 0 }}>
            {t('groups.kind.group')}
          </Tag>
          <Tag color="warning" style={{ borderStyle: 'dashed', margin: 0 }}>
            {t('groups.kind.placeholder')}
          </Tag>
        </Space>
      </div>
      <Table<ItemRow>
        className="assignment-matrix"
        size="small"
        bordered
        rowKey="id"
        dataSource={shownRows}
        columns={columns}
        pagination={false}
        scroll={{ x: 312 + matrixColumns.length * 40, y: 'calc(100vh - 330px)' }}
        sticky
      />
      <Modal
        open={resolving !== null}
        onCancel={() => setResolving(null)}
        footer={null}
        destroyOnHidden
        title={resolving ? t('groups.resolve.title', { name: resolving.group.name }) : null}
      >
        {resolving && (
          <ResolveGroupForm
            planId={planId}
            tree={tree}
            group={{ ...resolving.group, memberIds: [] }}
            onlyItemId={resolving.itemId}
            onDone={() => {
              setResolving(null);
              void reload();
            }}
          />
        )}
      </Modal>
    </Card>
  );
}
