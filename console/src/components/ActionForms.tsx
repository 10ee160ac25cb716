// The actions the person may take now, as GET /cases/{code}/actions answers them: a form for
// every allowed action, and the refused ones with the server's reason. Nothing here decides who
// may act: the server does. Each form checks what the API's schema checks (required fields,
// lengths, ranges: api/schemas/actions.ts), and a POST the API refuses shows its field errors
// next to the fields (or its message on top when it names no field of the form).
import { Alert, Button, Card, Form, Input, InputNumber, List, Radio, Select, Space } from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n, type Dict } from '../i18n';
import { fromBeijingInput, toBeijingInput } from '../time';
import type { AllowedAction, Unit } from '../types';

type Values = Record<string, unknown>;

/** The POST path of an action, its {code}/{callId}/{requestId} filled from the params the server named. */
export function actionPath(a: AllowedAction): string {
  return a.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(a.params[k] ?? ''));
}

/** Text fields: trimmed, and left out when empty (the API refuses empty strings). */
function texts(v: Values, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const s = typeof v[n] === 'string' ? (v[n] as string).trim() : '';
    if (s) out[n] = s;
  }
  return out;
}

/** A native file input under a Form.Item: the item passes id and onChange; the value is the File. */
function FileInput({ id, onChange }: { id?: string; value?: File; onChange?: (f: File | undefined) => void }) {
  return <input id={id} type="file" accept="image/*,audio/*,video/*,application/pdf" onChange={(e) => onChange?.(e.target.files?.[0])} />;
}

interface FormSpec {
  /** The form's field names (as rendered): API field errors with these names show next to them. */
  fields: string[];
  initial?: (now: number) => Values;
  /** The request body: JSON, or FormData for a file. */
  body: (v: Values, a: AllowedAction) => unknown;
  /** Where to POST when not the action's own path (evidence files). */
  path?: (a: AllowedAction) => string;
  render: (ctx: { t: Dict; form: FormInstance; departments: Unit[] }) => ReactNode;
  /** The submit button says "Submit" rather than the action's name (decisions with two outcomes). */
  neutralSubmit?: boolean;
}

const req = (t: Dict) => [{ required: true, whitespace: true, message: t.required }];
const reasonItem = (t: Dict, max = 2000) => (
  <Form.Item label={t.reason} name="reason" rules={[...req(t), { max }]}>
    <Input.TextArea rows={2} maxLength={max} />
  </Form.Item>
);

const FORMS: Record<string, FormSpec> = {
  accept: {
    fields: ['note'],
    body: (v) => texts(v, ['note']),
    render: ({ t }) => (
      <Form.Item label={t.note} name="note">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
    ),
  },
  respond: {
    fields: ['decision', 'guidance', 'note', 'triage', 'triageReason'],
    initial: () => ({ decision: 'SELF' }),
    body: (v) => ({ decision: v.decision, ...(v.triage ? { triage: v.triage } : {}), ...texts(v, ['guidance', 'note', 'triageReason']) }),
    render: ({ t, form }) => <RespondFields t={t} form={form} />,
  },
  whistle: {
    fields: ['reason'],
    body: (v) => texts(v, ['reason']),
    render: ({ t }) => reasonItem(t, 1000),
  },
  calls: {
    fields: ['departmentId', 'reportBy', 'place', 'instructions'],
    initial: (now) => ({ reportBy: toBeijingInput(now + 2 * 3600_000) }),
    // One call per department chosen, all to the same time and place (the API takes up to 20).
    body: (v) => {
      const reportBy = fromBeijingInput(String(v.reportBy ?? '')) ?? String(v.reportBy ?? '');
      const rest = texts(v, ['place', 'instructions']);
      return { calls: ((v.departmentId as string[] | undefined) ?? []).map((departmentId) => ({ departmentId, reportBy, ...rest })) };
    },
    render: ({ t, departments }) => (
      <>
        <Form.Item label={t.department} name="departmentId" rules={[{ required: true, message: t.required }]}>
          <Select mode="multiple" maxCount={20} showSearch={{ optionFilterProp: 'label' }} options={departments.map((d) => ({ value: d.id, label: d.name }))} />
        </Form.Item>
        <Form.Item label={t.reportBy} name="reportBy" rules={[{ required: true, message: t.required }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item label={t.place} name="place" rules={[...req(t), { max: 300 }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item label={t.instructions} name="instructions" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </>
    ),
  },
  report: {
    fields: [],
    body: () => ({}),
    render: () => null,
  },
  evidence: {
    fields: ['kind', 'file'],
    initial: () => ({ kind: 'PHOTO' }),
    path: (a) => `/cases/${encodeURIComponent(a.params.code ?? '')}/evidence/files`,
    body: (v, a) => {
      // The fields go before the file: the server reads them first (api/routes/evidenceFiles.ts).
      const fd = new FormData();
      fd.append('kind', String(v.kind));
      if (a.params.callId) fd.append('callId', a.params.callId);
      if (v.file instanceof File) fd.append('file', v.file, v.file.name);
      return fd;
    },
    render: ({ t }) => (
      <>
        <Form.Item label={t.evidenceKind} name="kind">
          <Radio.Group options={['PHOTO', 'RECORDING', 'VIDEO', 'DOCUMENT'].map((k) => ({ value: k, label: t.evidenceKinds[k] }))} />
        </Form.Item>
        <Form.Item label={t.file} name="file" rules={[{ required: true, message: t.required }]}>
          <FileInput />
        </Form.Item>
      </>
    ),
  },
  result: {
    fields: ['summary'],
    body: (v, a) => ({ ...(a.params.callId ? { callId: a.params.callId } : {}), ...texts(v, ['summary']) }),
    render: ({ t }) => (
      <Form.Item label={t.summary} name="summary" rules={[...req(t), { max: 4000 }]}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
    ),
  },
  review: {
    fields: ['decision', 'reason'],
    initial: () => ({ decision: 'CLOSE' }),
    neutralSubmit: true,
    body: (v) => ({ decision: v.decision, ...texts(v, ['reason']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.reviewDecision} name="decision">
          <Radio.Group options={(['CLOSE', 'RETURN'] as const).map((d) => ({ value: d, label: t[`review${d}`] }))} />
        </Form.Item>
        {reasonItem(t)}
      </>
    ),
  },
  'long-term-plan': {
    fields: ['explanation', 'reviewEveryDays'],
    body: (v) => ({ ...texts(v, ['explanation']), ...(typeof v.reviewEveryDays === 'number' ? { reviewEveryDays: v.reviewEveryDays } : {}) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.explanation} name="explanation" rules={[...req(t), { max: 4000 }]}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        <Form.Item label={t.reviewEveryDays} name="reviewEveryDays">
          <InputNumber min={1} max={366} precision={0} />
        </Form.Item>
      </>
    ),
  },
  resume: {
    fields: ['note'],
    body: (v) => texts(v, ['note']),
    render: ({ t }) => (
      <Form.Item label={t.note} name="note" rules={[...req(t), { max: 2000 }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    ),
  },
  extensions: {
    fields: ['days', 'reason'],
    body: (v) => ({ days: v.days, ...texts(v, ['reason']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.days} name="days" rules={[{ required: true, message: t.required }]}>
          <InputNumber min={1} max={60} precision={0} />
        </Form.Item>
        {reasonItem(t)}
      </>
    ),
  },
  'extension-decision': {
    fields: ['approve', 'reason'],
    initial: () => ({ approve: 'yes' }),
    neutralSubmit: true,
    body: (v) => ({ approve: v.approve === 'yes', ...texts(v, ['reason']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.decide} name="approve">
          <Radio.Group options={[{ value: 'yes', label: t.approve }, { value: 'no', label: t.reject }]} />
        </Form.Item>
        {reasonItem(t)}
      </>
    ),
  },
  // Arrival (the holder) and the hazard steps in order; the server says which step is next (409 otherwise).
  // A department's steps name its call; it reports its own arrival with the report form.
  'on-site': {
    fields: ['step', 'note'],
    body: (v, a) => ({ ...(a.params.callId ? { callId: a.params.callId } : {}), step: v.step, ...texts(v, ['note']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.siteStep} name="step" rules={[{ required: true, message: t.required }]}>
          <Select options={['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED'].map((s) => ({ value: s, label: t.siteSteps[s] }))} />
        </Form.Item>
        <Form.Item label={t.note} name="note" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </>
    ),
  },
  // Five-step deliberation (五步议事): the step, then the fields that step records; the server says which step is next (409 otherwise).
  deliberate: {
    fields: ['step', 'text', 'source', 'forum', 'participants', 'stream', 'votes', 'cadres'],
    initial: () => ({ step: 'SAY', satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }),
    body: (v) => {
      const step = v.step as string;
      const lines = typeof v.participants === 'string' ? v.participants.split('\n').map((l) => l.trim()).filter(Boolean) : [];
      return {
        step,
        ...texts(v, ['text']),
        ...(step === 'SAY' ? texts(v, ['source']) : {}),
        ...(step === 'DISCUSS'
          ? {
              forum: v.forum,
              participants: lines.map((l) => {
                const [name, role, unit] = l.split(/[,，、]/).map((s) => s.trim());
                return { name: name ?? '', role: role ?? '', ...(unit ? { unit } : {}) };
              }),
            }
          : {}),
        ...(step === 'DO' ? { stream: v.stream } : {}),
        ...(step === 'EVALUATE'
          ? {
              votes: { satisfied: Number(v.satisfied ?? 0), basicallySatisfied: Number(v.basicallySatisfied ?? 0), dissatisfied: Number(v.dissatisfied ?? 0) },
              cadres: typeof v.cadres === 'string' ? v.cadres.split(/[,，、]/).map((s) => s.trim()).filter(Boolean) : [],
            }
          : {}),
      };
    },
    render: ({ t, form }) => (
      <>
        <Form.Item label={t.deliberationStep} name="step" rules={[{ required: true, message: t.required }]}>
          <Select options={['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE'].map((s) => ({ value: s, label: t.deliberationSteps[s] }))} />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a: Values, b: Values) => a.step !== b.step}>
          {() => {
            const step = (form.getFieldValue('step') as string | undefined) ?? 'SAY';
            return (
              <>
                <Form.Item label={t.deliberationText[step]} name="text" rules={step === 'EVALUATE' ? [{ max: 4000 }] : [...req(t), { max: 4000 }]}>
                  <Input.TextArea rows={2} maxLength={4000} />
                </Form.Item>
                {step === 'SAY' && (
                  <Form.Item label={t.deliberationSource} name="source" rules={[{ max: 200 }]}>
                    <Input maxLength={200} />
                  </Form.Item>
                )}
                {step === 'DISCUSS' && (
                  <>
                    <Form.Item label={t.deliberationForum} name="forum" rules={[{ required: true, message: t.required }]}>
                      <Select options={Object.entries(t.deliberationForums).map(([value, label]) => ({ value, label }))} />
                    </Form.Item>
                    <Form.Item label={t.deliberationParticipants} name="participants" rules={req(t)}>
                      <Input.TextArea rows={3} />
                    </Form.Item>
                  </>
                )}
                {step === 'DO' && (
                  <Form.Item label={t.deliberationStream} name="stream" rules={[{ required: true, message: t.required }]}>
                    <Radio.Group options={['BIG', 'SMALL', 'PRIVATE'].map((s) => ({ value: s, label: t.deliberationStreams[s] }))} />
                  </Form.Item>
                )}
                {step === 'EVALUATE' && (
                  <>
                    <Space wrap>
                      {(['satisfied', 'basicallySatisfied', 'dissatisfied'] as const).map((k) => (
                        <Form.Item key={k} label={t.deliberationVotes[k]} name={k} rules={[{ required: true, message: t.required }]}>
                          <InputNumber min={0} max={100000} precision={0} />
                        </Form.Item>
                      ))}
                    </Space>
                    <Form.Item label={t.deliberationCadres} name="cadres" rules={req(t)}>
                      <Input maxLength={1000} />
                    </Form.Item>
                  </>
                )}
              </>
            );
          }}
        </Form.Item>
      </>
    ),
  },
  // Clock pause (暂停计时): the holder asks with a reason; the level above decides; the holder resumes.
  pause: {
    fields: ['windowKind', 'reasonKind', 'reason', 'until'],
    body: (v) => {
      const until = typeof v.until === 'string' && v.until.trim() ? fromBeijingInput(v.until) ?? v.until : undefined;
      return { ...(v.windowKind ? { windowKind: v.windowKind } : {}), reasonKind: v.reasonKind, ...texts(v, ['reason']), ...(until ? { until } : {}) };
    },
    render: ({ t }) => (
      <>
        <Form.Item label={t.pauseWindow} name="windowKind">
          <Select allowClear placeholder={t.pauseWindowDefault} options={['COMPLETION', 'RESPONSE', 'ON_SITE'].map((k) => ({ value: k, label: t.windowKinds[k] }))} />
        </Form.Item>
        <Form.Item label={t.pauseReasonKind} name="reasonKind" rules={[{ required: true, message: t.required }]}>
          <Radio.Group options={['REPORTER_UNREACHABLE', 'THIRD_PARTY', 'OTHER'].map((k) => ({ value: k, label: t.pauseReasons[k] }))} />
        </Form.Item>
        {reasonItem(t)}
        <Form.Item label={t.pauseUntil} name="until">
          <Input type="datetime-local" />
        </Form.Item>
      </>
    ),
  },
  'pause-decision': {
    fields: ['approve', 'reason'],
    initial: () => ({ approve: 'yes' }),
    neutralSubmit: true,
    body: (v) => ({ approve: v.approve === 'yes', ...texts(v, ['reason']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.decide} name="approve">
          <Radio.Group options={[{ value: 'yes', label: t.approve }, { value: 'no', label: t.reject }]} />
        </Form.Item>
        {reasonItem(t)}
      </>
    ),
  },
  'pause-end': {
    fields: ['note'],
    body: (v) => texts(v, ['note']),
    render: ({ t }) => (
      <Form.Item label={t.note} name="note" rules={[{ max: 2000 }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    ),
  },
  survey: {
    fields: ['satisfaction', 'solved', 'comment', 'channel'],
    initial: () => ({ channel: 'PHONE' }),
    body: (v) => ({ satisfaction: v.satisfaction, solved: v.solved === 'yes', channel: v.channel, ...texts(v, ['comment']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.satisfaction} name="satisfaction" rules={[{ required: true, message: t.required }]}>
          <Radio.Group options={['SATISFIED', 'BASICALLY_SATISFIED', 'UNSATISFIED'].map((s) => ({ value: s, label: t.satisfactions[s] }))} />
        </Form.Item>
        <Form.Item label={t.solved} name="solved" rules={[{ required: true, message: t.required }]}>
          <Radio.Group options={[{ value: 'yes', label: t.yes }, { value: 'no', label: t.no }]} />
        </Form.Item>
        <Form.Item label={t.surveyChannel} name="channel">
          <Select options={['PHONE', 'SMS', 'APP'].map((c) => ({ value: c, label: t.surveyChannels[c] }))} />
        </Form.Item>
        <Form.Item label={t.comment} name="comment" rules={[{ max: 2000 }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </>
    ),
  },
  'tick-off': {
    fields: ['note'],
    body: (v) => texts(v, ['note']),
    render: ({ t }) => (
      <Form.Item label={t.closingNote} name="note" rules={[...req(t), { max: 2000 }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    ),
  },
  urge: {
    fields: ['unitId', 'reason', 'replyWithinWorkingHours'],
    body: (v) => ({
      ...texts(v, ['unitId', 'reason']),
      ...(typeof v.replyWithinWorkingHours === 'number' ? { replyWithinWorkingHours: v.replyWithinWorkingHours } : {}),
    }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.urgeUnit} name="unitId" rules={[{ max: 100 }]}>
          <Input maxLength={100} />
        </Form.Item>
        {reasonItem(t)}
        <Form.Item label={t.replyWithin} name="replyWithinWorkingHours">
          <InputNumber min={0.5} max={200} step={0.5} />
        </Form.Item>
      </>
    ),
  },
  'send-down': {
    fields: ['level', 'reason'],
    initial: () => ({ level: 'STREET' }),
    body: (v) => ({ level: v.level, ...texts(v, ['reason']) }),
    render: ({ t }) => (
      <>
        <Form.Item label={t.sendDownLevel} name="level" rules={[{ required: true, message: t.required }]}>
          <Radio.Group options={(['STREET', 'COMMUNITY', 'GRID'] as const).map((l) => ({ value: l, label: t.levels[l] }))} />
        </Form.Item>
        {reasonItem(t, 1000)}
      </>
    ),
  },
  'urge-reply': {
    fields: ['reply'],
    // A department replies about its call, which the server named in the action's params.
    body: (v, a) => ({ ...(a.params.callId ? { callId: a.params.callId } : {}), ...texts(v, ['reply']) }),
    render: ({ t }) => (
      <Form.Item label={t.urgeReply} name="reply" rules={[...req(t), { max: 2000 }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    ),
  },
};

function RespondFields({ t, form }: { t: Dict; form: FormInstance }) {
  const decision = Form.useWatch('decision', form) as string | undefined;
  const triage = Form.useWatch('triage', form) as string | undefined;
  return (
    <>
      <Form.Item label={t.decision} name="decision">
        <Radio.Group options={(['SELF', 'COMMUNITY', 'GUIDANCE'] as const).map((d) => ({ value: d, label: t[`decision${d}`] }))} />
      </Form.Item>
      {decision === 'GUIDANCE' && (
        // No client-side rule: the API's own message ("required when decision is GUIDANCE") shows here.
        <Form.Item label={t.guidance} name="guidance">
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      )}
      {/* Re-triage (三事分流): a response that does not fit the case's kind corrects it, with a reason. */}
      <Form.Item label={t.retriage} name="triage">
        <Select allowClear options={(['BIG', 'SMALL', 'PRIVATE'] as const).map((k) => ({ value: k, label: t.triageKinds[k] }))} />
      </Form.Item>
      {triage && (
        <Form.Item label={t.triageReason} name="triageReason">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      )}
      <Form.Item label={t.note} name="note">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
    </>
  );
}

/** The departments a street may call (GET /units?kind=DEPARTMENT), asked once, only when the call form shows. */
function useDepartments(wanted: boolean): Unit[] {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    api<{ items: Unit[] }>('GET', '/units?kind=DEPARTMENT')
      .then((r) => live && setUnits(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [wanted]);
  return units;
}

function ActionForm({ action, departments, onDone }: { action: AllowedAction; departments: Unit[]; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const spec = FORMS[action.action]!;
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [initial] = useState(() => spec.initial?.(Date.now()) ?? {});
  const label = t.actionNames[action.action] ?? action.action;

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', spec.path ? spec.path(action) : actionPath(action), spec.body(values, action));
      form.resetFields();
      await onDone();
    } catch (err) {
      const fields = fieldErrors(err);
      const known = Object.keys(fields).filter((f) => spec.fields.includes(f));
      form.setFields(known.map((name) => ({ name, errors: [fields[name]!] })));
      const unplaced = Object.keys(fields).filter((f) => !known.includes(f));
      if (known.length === 0 || unplaced.length > 0) {
        const detail = unplaced.map((f) => `${f}: ${fields[f]}`).join('; ');
        setError(err instanceof ApiError ? (detail && known.length ? detail : err.message + (detail ? ` (${detail})` : '')) : String(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={label} data-testid={`form-${action.action}`}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 8 }} role="alert" />}
      <Form form={form} name={`action-${action.action}`} layout="vertical" onFinish={(v: Values) => void submit(v)} initialValues={initial}>
        {spec.render({ t, form, departments })}
        <Button type="primary" htmlType="submit" loading={busy} block>
          {spec.neutralSubmit ? t.submit : label}
        </Button>
      </Form>
    </Card>
  );
}

export function ActionPanel({ actions, onDone }: { code: string; actions: AllowedAction[]; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const allowed = actions.filter((a) => a.allowed && FORMS[a.action]);
  const refused = actions.filter((a) => !a.allowed);
  const departments = useDepartments(allowed.some((a) => a.action === 'calls'));
  const label = (a: string) => t.actionNames[a] ?? a;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {allowed.map((a) => (
        <ActionForm key={`${a.action}:${JSON.stringify(a.params)}`} action={a} departments={departments} onDone={onDone} />
      ))}
      {refused.length > 0 && (
        <details>
          <summary className="coe-muted">
            {t.notAllowed} ({refused.length})
          </summary>
          <List
            size="small"
            dataSource={refused}
            renderItem={(a) => (
              <List.Item data-testid={`refused-${a.action}`}>
                <span>
                  <strong>{label(a.action)}</strong>: <span className="coe-muted">{a.reason?.message ?? '—'}</span>
                </span>
              </List.Item>
            )}
          />
        </details>
      )}
    </Space>
  );
}
