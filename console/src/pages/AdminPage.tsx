// Administration (ADMIN only): the directory (units, people), the matter catalog and the
// working calendar's yearly schedules. Each tab is one list read (GET /admin/units, /admin/people,
// /admin/categories, /admin/calendar), loaded when the tab is first opened, and one create form
// whose field errors are the API's (400 with every field), shown next to the fields. The
// calendar tab imports a year's document (docs/calendar/README.md) with PUT /admin/calendar/years/{year}.
import { Alert, Button, Card, Form, Input, InputNumber, Select, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState, type ReactNode } from 'react';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n } from '../i18n';
import { usePoll, type Polled } from '../usePoll';

const UNIT_KINDS = ['STREET', 'COMMUNITY', 'GRID', 'DEPARTMENT'];
const ROLES = ['GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN', 'REPORTER'];
const LIST_MS = 30_000;

interface Page<T> {
  items: T[];
  total: number;
}
interface Unit {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  active: boolean;
}
interface Person {
  id: string;
  name: string;
  role: string;
  unitId: string;
  login: string | null;
  active: boolean;
}
interface Category {
  code: string;
  name: string;
  triage: string;
  completionDays: number;
  group: string;
  active: boolean;
}
interface CalendarStatus {
  timeZone: string;
  officeHours: Array<[string, string]>;
  workWeek: number[];
  years: Array<{ year: number; holidays: number; workdays: number }>;
  warning: string | null;
}

const TEXT = {
  zh: {
    title: '系统管理',
    units: '单位',
    people: '人员',
    catalog: '事项类别',
    calendar: '工作日历',
    id: '编号',
    kind: '类型',
    name: '名称',
    parent: '上级单位',
    active: '状态',
    yes: '启用',
    no: '停用',
    role: '角色',
    unit: '所属单位',
    login: '登录名',
    phone: '电话',
    code: '类别编码',
    triage: '分类',
    completionDays: '办结时限（工作日）',
    group: '分组',
    create: '新建',
    created: (what: string) => `已创建 ${what}`,
    required: '必填',
    unitKinds: { STREET: '街道', COMMUNITY: '社区', GRID: '网格', DEPARTMENT: '职能部门', DISTRICT: '区' } as Record<string, string>,
    year: '年份',
    holidays: '节假日',
    workdays: '调休上班日',
    officeHours: '办公时间',
    importYear: '导入全年节假日安排',
    document: '安排文件（JSON）',
    documentHelp: '格式见 docs/calendar/README.md；可选择文件或直接粘贴。整份文件先校验，有错误时不写入任何内容。',
    chooseFile: '选择文件',
    importButton: '导入',
    imported: (y: number, h: number, w: number) => `已导入 ${y} 年：节假日 ${h} 天，调休上班 ${w} 天`,
    notJson: '不是有效的 JSON',
    total: (n: number) => `共 ${n} 条`,
  },
  en: {
    title: 'Administration',
    units: 'Units',
    people: 'People',
    catalog: 'Catalog',
    calendar: 'Calendar',
    id: 'Id',
    kind: 'Kind',
    name: 'Name',
    parent: 'Parent unit',
    active: 'State',
    yes: 'active',
    no: 'inactive',
    role: 'Role',
    unit: 'Unit',
    login: 'Login',
    phone: 'Phone',
    code: 'Code',
    triage: 'Triage',
    completionDays: 'Completion (working days)',
    group: 'Group',
    create: 'Create',
    created: (what: string) => `Created ${what}`,
    required: 'Required',
    unitKinds: { STREET: 'Street', COMMUNITY: 'Community', GRID: 'Grid', DEPARTMENT: 'Department', DISTRICT: 'District' } as Record<string, string>,
    year: 'Year',
    holidays: 'Holidays',
    workdays: 'Make-up working days',
    officeHours: 'Office hours',
    importYear: "Import a year's holiday schedule",
    document: 'Schedule document (JSON)',
    documentHelp: 'Format: docs/calendar/README.md; choose a file or paste it. The whole document is checked first: with any problem, nothing is written.',
    chooseFile: 'Choose a file',
    importButton: 'Import',
    imported: (y: number, h: number, w: number) => `Imported ${y}: ${h} holidays, ${w} make-up working days`,
    notJson: 'Not valid JSON',
    total: (n: number) => `${n} in all`,
  },
};
type Text = (typeof TEXT)['zh'];

/**
 * A create form's submit: the API's field errors go next to the fields the form has (by the
 * last named segment of their path); any other error above the form.
 */
function useSubmit<V extends object>(send: (v: V) => Promise<string>, known: readonly string[]) {
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (v: V) => {
    setBusy(true);
    setNotice(null);
    try {
      setNotice({ ok: true, text: await send(v) });
      form.resetFields();
    } catch (err) {
      const fields = fieldErrors(err);
      const placed = Object.entries(fields).filter(([name]) => known.includes(name));
      form.setFields(placed.map(([name, message]) => ({ name: name as never, errors: [message] })));
      const rest = Object.entries(fields).filter(([name]) => !known.includes(name));
      if (placed.length === 0 || rest.length > 0) {
        const text = rest.length ? rest.map(([n, m]) => `${n}: ${m}`).join('; ') : err instanceof ApiError ? err.message : String(err);
        setNotice({ ok: false, text });
      }
    } finally {
      setBusy(false);
    }
  };
  const banner: ReactNode = notice && (
    <Alert type={notice.ok ? 'success' : 'error'} role={notice.ok ? 'status' : 'alert'} showIcon title={notice.text} style={{ marginBottom: 8 }} />
  );
  return { form, busy, submit, banner };
}

function CreateCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card size="small" title={<h2 className="coe-card-title">{title}</h2>} style={{ marginBottom: 16 }}>
      {children}
    </Card>
  );
}

function UnitsTab({ x }: { x: Text }) {
  const list = usePoll('admin:units', () => api<Page<Unit>>('GET', '/admin/units?pageSize=200'), LIST_MS);
  const { form, busy, submit, banner } = useSubmit<{ kind: string; name: string; parentId: string }>(
    async (v) => {
      const u = await api<Unit>('POST', '/admin/units', v);
      await list.reload();
      return x.created(`${u.name} (${u.id})`);
    },
    ['kind', 'name', 'parentId'],
  );
  return (
    <>
      <CreateCard title={`${x.create} · ${x.units}`}>
        {banner}
        <Form form={form} name="create-unit" layout="inline" onFinish={(v) => void submit(v)}>
          <Form.Item label={x.kind} name="kind" rules={[{ required: true, message: x.required }]}>
            <Select style={{ width: 130 }} options={UNIT_KINDS.map((k) => ({ value: k, label: x.unitKinds[k] }))} />
          </Form.Item>
          <Form.Item label={x.name} name="name" rules={[{ required: true, whitespace: true, message: x.required }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={x.parent} name="parentId" rules={[{ required: true, message: x.required }]}>
            <Input maxLength={128} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {x.create}
          </Button>
        </Form>
      </CreateCard>
      <ListTable<Unit>
        x={x}
        rowKey="id"
        list={list}
        columns={[
          { title: x.id, dataIndex: 'id' },
          { title: x.kind, dataIndex: 'kind', render: (k: string) => x.unitKinds[k] ?? k },
          { title: x.name, dataIndex: 'name' },
          { title: x.parent, dataIndex: 'parentId', render: (p: string | null) => p ?? '—' },
        ]}
      />
    </>
  );
}

/** The list under each create form: one table shape, the columns of its kind, then whether it is active. */
function ListTable<T extends { active: boolean }>({ x, rowKey, list, columns }: { x: Text; rowKey: keyof T & string; list: Polled<Page<T>>; columns: ColumnsType<T> }) {
  return (
    <Table<T>
      size="small"
      rowKey={rowKey}
      loading={!list.data && list.loading}
      dataSource={list.data?.items ?? []}
      pagination={{ pageSize: 20, showTotal: x.total }}
      scroll={{ x: 'max-content' }}
      columns={[...columns, { title: x.active, dataIndex: 'active', render: (a: boolean) => <Tag>{a ? x.yes : x.no}</Tag> }]}
    />
  );
}

function PeopleTab({ x }: { x: Text }) {
  const list = usePoll('admin:people', () => api<Page<Person>>('GET', '/admin/people?pageSize=200'), LIST_MS);
  const { form, busy, submit, banner } = useSubmit<{ name: string; role: string; unitId: string; login?: string; phone?: string }>(
    async (v) => {
      const body = { ...v, login: v.login?.trim() || undefined, phone: v.phone?.trim() || undefined };
      const p = await api<Person>('POST', '/admin/people', body);
      await list.reload();
      return x.created(`${p.name} (${p.id})`);
    },
    ['name', 'role', 'unitId', 'login', 'phone'],
  );
  return (
    <>
      <CreateCard title={`${x.create} · ${x.people}`}>
        {banner}
        <Form form={form} name="create-person" layout="inline" onFinish={(v) => void submit(v)}>
          <Form.Item label={x.name} name="name" rules={[{ required: true, whitespace: true, message: x.required }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={x.role} name="role" rules={[{ required: true, message: x.required }]}>
            <Select style={{ width: 170 }} options={ROLES.map((r) => ({ value: r, label: r }))} />
          </Form.Item>
          <Form.Item label={x.unit} name="unitId" rules={[{ required: true, message: x.required }]}>
            <Input maxLength={128} />
          </Form.Item>
          <Form.Item label={x.login} name="login">
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item label={x.phone} name="phone">
            <Input maxLength={40} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {x.create}
          </Button>
        </Form>
      </CreateCard>
      <ListTable<Person>
        x={x}
        rowKey="id"
        list={list}
        columns={[
          { title: x.id, dataIndex: 'id' },
          { title: x.name, dataIndex: 'name' },
          { title: x.role, dataIndex: 'role' },
          { title: x.unit, dataIndex: 'unitId' },
          { title: x.login, dataIndex: 'login', render: (l: string | null) => l ?? '—' },
        ]}
      />
    </>
  );
}

function CatalogTab({ x }: { x: Text }) {
  const list = usePoll('admin:categories', () => api<Page<Category>>('GET', '/admin/categories?pageSize=200'), LIST_MS);
  const { form, busy, submit, banner } = useSubmit<{ code: string; name: string; triage: string; completionDays: number }>(
    async (v) => {
      const c = await api<Category>('POST', '/admin/categories', v);
      await list.reload();
      return x.created(`${c.code} ${c.name}`);
    },
    ['code', 'name', 'triage', 'completionDays'],
  );
  return (
    <>
      <CreateCard title={`${x.create} · ${x.catalog}`}>
        {banner}
        <Form form={form} name="create-category" layout="inline" onFinish={(v) => void submit(v)}>
          <Form.Item label={x.code} name="code" rules={[{ required: true, whitespace: true, message: x.required }]}>
            <Input maxLength={16} style={{ width: 110 }} />
          </Form.Item>
          <Form.Item label={x.name} name="name" rules={[{ required: true, whitespace: true, message: x.required }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={x.triage} name="triage" rules={[{ required: true, message: x.required }]}>
            <Select style={{ width: 110 }} options={['BIG', 'SMALL', 'PRIVATE'].map((v) => ({ value: v, label: v }))} />
          </Form.Item>
          {/* No min/max here: the API's rule (1–7 working days) and its message are the ones shown. */}
          <Form.Item label={x.completionDays} name="completionDays" rules={[{ required: true, message: x.required }]}>
            <InputNumber precision={0} style={{ width: 80 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {x.create}
          </Button>
        </Form>
      </CreateCard>
      <ListTable<Category>
        x={x}
        rowKey="code"
        list={list}
        columns={[
          { title: x.code, dataIndex: 'code' },
          { title: x.name, dataIndex: 'name' },
          { title: x.group, dataIndex: 'group' },
          { title: x.triage, dataIndex: 'triage' },
          { title: x.completionDays, dataIndex: 'completionDays' },
        ]}
      />
    </>
  );
}

function CalendarTab({ x }: { x: Text }) {
  const status = usePoll('admin:calendar', () => api<CalendarStatus>('GET', '/admin/calendar'), LIST_MS);
  const { form, busy, submit, banner } = useSubmit<{ year: number; document: string }>(
    async (v) => {
      let doc: unknown;
      try {
        doc = JSON.parse(v.document);
      } catch {
        form.setFields([{ name: 'document', errors: [x.notJson] }]);
        throw new Error(x.notJson);
      }
      try {
        const r = await api<{ year: number; holidays: number; workdays: number }>('PUT', `/admin/calendar/years/${v.year}`, doc);
        await status.reload();
        return x.imported(r.year, r.holidays, r.workdays);
      } catch (err) {
        // Every problem of the document, with where it is (days.3.date: …), next to the document.
        if (err instanceof ApiError && err.fields.length) {
          const list = err.fields.map((f) => `${f.path.replace(/^body\.?/, '') || 'document'}: ${f.message}`);
          form.setFields([{ name: 'document', errors: list }]);
          throw new ApiError(err.status, err.code, err.message);
        }
        throw err;
      }
    },
    ['year', 'document'],
  );
  const readFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    form.setFieldValue('document', text);
    try {
      const year = (JSON.parse(text) as { year?: unknown }).year;
      if (typeof year === 'number') form.setFieldValue('year', year);
    } catch {
      // Left to the import: the API (or the JSON check above) says what is wrong.
    }
  };
  const s = status.data;
  return (
    <>
      {s?.warning && <Alert type="warning" showIcon title={s.warning} style={{ marginBottom: 8 }} />}
      <Table
        size="small"
        rowKey="year"
        pagination={false}
        dataSource={s?.years ?? []}
        loading={!s && status.loading}
        style={{ marginBottom: 8 }}
        columns={[
          { title: x.year, dataIndex: 'year', render: (y: number) => <span data-testid={`calendar-year-${y}`}>{y}</span> },
          { title: x.holidays, dataIndex: 'holidays' },
          { title: x.workdays, dataIndex: 'workdays' },
        ]}
      />
      {s && (
        <p className="coe-muted">
          {x.officeHours}: {s.officeHours.map(([a, b]) => `${a}–${b}`).join(', ')} · {s.timeZone}
        </p>
      )}
      <CreateCard title={x.importYear}>
        {banner}
        <p className="coe-muted" style={{ marginTop: 0 }}>{x.documentHelp}</p>
        <Form form={form} name="import-calendar" layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item label={x.year} name="year" rules={[{ required: true, message: x.required }]}>
            <InputNumber precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item label={x.chooseFile} htmlFor="calendar-file">
            <input id="calendar-file" type="file" accept="application/json,.json" onChange={(e) => void readFile(e.target.files?.[0])} />
          </Form.Item>
          <Form.Item label={x.document} name="document" rules={[{ required: true, whitespace: true, message: x.required }]}>
            <Input.TextArea rows={8} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {x.importButton}
          </Button>
        </Form>
      </CreateCard>
    </>
  );
}

export function AdminPage() {
  const { lang } = useI18n();
  const x = TEXT[lang];
  return (
    <section aria-labelledby="admin-title">
      <Typography.Title level={1} id="admin-title" style={{ fontSize: 20 }}>
        {x.title}
      </Typography.Title>
      {/* Inactive tabs are not rendered until opened: one list read per tab, when it is shown. */}
        <Tabs
          items={[
            { key: 'units', label: x.units, children: <UnitsTab x={x} /> },
            { key: 'people', label: x.people, children: <PeopleTab x={x} /> },
            { key: 'catalog', label: x.catalog, children: <CatalogTab x={x} /> },
            { key: 'calendar', label: x.calendar, children: <CalendarTab x={x} /> },
          ]}
        />
    </section>
  );
}
