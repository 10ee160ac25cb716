// Bodies of the case actions (POST /cases/:code/<action>). The shapes mirror the update
// payloads in workflows/messages.ts minus the actor, which comes from authentication.
// Shape is checked here; whether the action is allowed now is the workflow's validators' call.
import { z } from 'zod';
import { CASE_ACTIONS, type CaseAction } from '../../domain/access';
import type { ActionInput } from '../../workflows/caseActions';
import { CaseCodeParams, CaseCodeSchema, FieldErrorSchema, IsoDateTime } from './common';

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().trim().min(1).max(100);

export const AcceptBodySchema = z.strictObject({ note: text(1000).optional() }).meta({ id: 'AcceptCase' });

export const RespondBodySchema = z
  .strictObject({
    decision: z.enum(['SELF', 'COMMUNITY', 'GUIDANCE']),
    note: text(1000).optional(),
    guidance: text(2000).optional().meta({ description: 'Required when decision is GUIDANCE: the explanation sent to the reporter.' }),
    triage: z.enum(['BIG', 'SMALL', 'PRIVATE']).optional().meta({
      description: 'Re-triage (三事分流): the kind of matter the holder corrects the case to, when the response does not fit the kind it came with (a private matter is answered with guidance, a small one handled or sent to the community, a big one handled or given to departments).',
    }),
    triageReason: text(1000).optional().meta({ description: 'Why the kind is corrected: required with `triage`.' }),
  })
  .superRefine((b, ctx) => {
    if (b.decision === 'GUIDANCE' && !b.guidance) ctx.addIssue({ code: 'custom', path: ['guidance'], message: 'required when decision is GUIDANCE' });
    if (b.triage && !b.triageReason) ctx.addIssue({ code: 'custom', path: ['triageReason'], message: 'required with triage' });
  })
  .meta({ id: 'RespondCase' });

export const WhistleBodySchema = z.strictObject({ reason: text(1000) }).meta({ id: 'Whistle' });

export const CallDepartmentsBodySchema = z
  .strictObject({
    calls: z
      .array(
        z.strictObject({
          departmentId: id,
          reportBy: IsoDateTime.transform((s) => Date.parse(s)).meta({ description: 'When the department must report on site (ISO 8601).' }),
          place: text(300),
          instructions: text(2000).optional(),
        }),
      )
      .min(1)
      .max(20),
  })
  .meta({ id: 'CallDepartments' });

/** One evidence reference, as the evidence action takes it (the bytes are in the object store). */
const evidenceRef = {
  kind: z.enum(['RECORDING', 'VIDEO', 'DOCUMENT', 'PHOTO']),
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { message: '64 hexadecimal characters' }).transform((s) => s.toLowerCase()),
};
const evidenceRefs = z.array(z.strictObject(evidenceRef)).min(1).max(10);

export const ReportArrivalBodySchema = z
  .strictObject({ evidence: evidenceRefs.optional().meta({ description: 'Photos or recordings of the arrival (报到), on cases started with on-site steps.' }) })
  .meta({ id: 'ReportArrival' });

export const EvidenceBodySchema = z.strictObject({ callId: id.optional(), ...evidenceRef }).meta({ id: 'UploadEvidence' });

export const SiteStepBodySchema = z
  .strictObject({
    step: z.enum(['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']).meta({
      description: 'ARRIVED (到场, the holder; a department reports with /report), then on urgent cases in order: SURVEYED (现场勘查), PLANNED (方案确定), CREW_ON_SITE (人材机进场), CLEARED (消险).',
    }),
    callId: id.optional().meta({ description: 'A called department recording a hazard step names its call.' }),
    note: text(2000).optional(),
    evidence: evidenceRefs.optional(),
  })
  .meta({ id: 'RecordSiteStep' });

export const ResultBodySchema = z.strictObject({ callId: id.optional(), summary: text(4000) }).meta({ id: 'SubmitResult' });

export const ReviewBodySchema = z
  .strictObject({ decision: z.enum(['CLOSE', 'RETURN']), reason: text(2000) })
  .meta({ id: 'ReviewCase' });

export const LongTermPlanBodySchema = z
  .strictObject({ explanation: text(4000), reviewEveryDays: z.number().int().min(1).max(366).optional() })
  .meta({ id: 'PlanLongTerm' });

export const ResumeBodySchema = z.strictObject({ note: text(2000) }).meta({ id: 'ResumePlan' });

export const ExtensionBodySchema = z
  .strictObject({ days: z.number().int().min(1).max(60), reason: text(2000) })
  .meta({ id: 'RequestExtension' });

export const ExtensionDecisionBodySchema = z
  .strictObject({ approve: z.boolean(), reason: text(2000) })
  .meta({ id: 'DecideExtension' });

export const SurveyBodySchema = z
  .strictObject({
    satisfaction: z.enum(['SATISFIED', 'BASICALLY_SATISFIED', 'UNSATISFIED']),
    solved: z.boolean(),
    comment: text(2000).optional(),
    channel: z.enum(['PHONE', 'SMS', 'APP']),
  })
  .meta({ id: 'RecordSurvey' });

/** Five-step deliberation (五步议事): one body for the five steps; what each step needs is checked per step. */
const count = z.number().int().min(0).max(100_000);
export const DeliberationStepBodySchema = z
  .strictObject({
    step: z.enum(['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE']).meta({
      description: 'In order, each once (the latest may be recorded again to correct it until the next): SAY (群众说事), ASK (干部问事, the topic), DISCUSS (集中议事, the decision), DO (合力办事), EVALUATE (民主评事, final).',
    }),
    text: text(4000).optional().meta({ description: 'SAY: the matter as raised; ASK: the topic (议题); DISCUSS: the decision (处理意见); DO: the work done; EVALUATE: a note. Required except on EVALUATE.' }),
    source: text(200).optional().meta({ description: 'SAY: where the matter was raised (民情驿站, 微信群, 敲门走访 …).' }),
    forum: z
      .enum(['COMMUNITY_COUNCIL', 'SELF_GOVERNANCE_COMMITTEE', 'OWNERS_COMMITTEE', 'RESIDENT_UNITS_MEETING', 'PROPERTY_MEETING', 'PARTY_MASSES_COUNCIL'])
      .optional()
      .meta({ description: 'DISCUSS: 社区协商议事会, 自治委员会, 业主委员会, 驻地单位联席会, 物业联席议事会, 党群协商议事会.' }),
    participants: z
      .array(z.strictObject({ name: text(100), role: text(100), unit: text(200).optional() }))
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'DISCUSS: who took part (resident representatives, cadres, the property company, resident units).' }),
    stream: z.enum(['BIG', 'SMALL', 'PRIVATE']).optional().meta({ description: 'DO: 三事分流 — BIG 大事政府快办, SMALL 小事协商共办, PRIVATE 私事灵活自办.' }),
    votes: z
      .strictObject({ satisfied: count, basicallySatisfied: count, dissatisfied: count })
      .optional()
      .meta({ description: "EVALUATE: the residents' votes: 满意, 基本满意, 不满意." }),
    cadres: z.array(text(100)).min(1).max(50).optional().meta({ description: 'EVALUATE: the cadres who took part (their 积分考核).' }),
  })
  .superRefine((b, ctx) => {
    const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.step !== 'EVALUATE' && !b.text) need('text', `required on ${b.step}`);
    if (b.step === 'DISCUSS' && !b.forum) need('forum', 'required on DISCUSS');
    if (b.step === 'DISCUSS' && !b.participants) need('participants', 'required on DISCUSS');
    if (b.step === 'DO' && !b.stream) need('stream', 'required on DO');
    if (b.step === 'EVALUATE' && !b.votes) need('votes', 'required on EVALUATE');
    else if (b.votes && b.votes.satisfied + b.votes.basicallySatisfied + b.votes.dissatisfied === 0) need('votes', 'at least one resident evaluated');
    if (b.step === 'EVALUATE' && !b.cadres) need('cadres', 'required on EVALUATE');
  })
  .meta({ id: 'RecordDeliberationStep' });

export const TickOffBodySchema = z.strictObject({ note: text(2000) }).meta({ id: 'TickOffLeaderCase' });

export const UrgeBodySchema = z
  .strictObject({
    unitId: id.optional().meta({ description: 'The unit to urge: the one holding the case (default) or a department with an open call on it.' }),
    reason: text(2000),
    replyWithinWorkingHours: z.number().positive().max(200).optional().meta({ description: "Reply deadline in working hours (default: the case policy's)." }),
  })
  .meta({ id: 'UrgeUnit' });

export const UrgeReplyBodySchema = z
  .strictObject({ reply: text(2000), callId: id.optional().meta({ description: 'A department replying names its call.' }) })
  .meta({ id: 'ReplyToUrge' });

export const SendDownBodySchema = z
  .strictObject({
    level: z.enum(['STREET', 'COMMUNITY', 'GRID']).meta({ description: "The level below the command center that takes the case: the case's own street, community or grid." }),
    unitId: id.optional().meta({ description: "The unit at that level (optional; it must be the case's own: sending to another street, 划转, is not supported yet)." }),
    reason: text(1000),
  })
  .meta({ id: 'SendDown' });
export const PauseBodySchema = z
  .strictObject({
    windowKind: z.enum(['COMPLETION', 'RESPONSE', 'ON_SITE']).optional().meta({
      description: 'The window to pause (default: the first running of completion, response, on-site). ACCEPT, REPORT, REVIEW, decisions and the survey never pause.',
    }),
    reasonKind: z.enum(['REPORTER_UNREACHABLE', 'THIRD_PARTY', 'OTHER']).meta({
      description: 'REPORTER_UNREACHABLE (诉求人无法联系/不在家), THIRD_PARTY (等待第三方, e.g. a court ruling), OTHER.',
    }),
    reason: text(2000),
    until: IsoDateTime.transform((s) => Date.parse(s)).optional().meta({ description: 'Planned end (ISO 8601): the pause ends by itself then; absent: until the holder resumes.' }),
  })
  .meta({ id: 'RequestPause' });

export const PauseDecisionBodySchema = z.strictObject({ approve: z.boolean(), reason: text(2000) }).meta({ id: 'DecidePause' });

export const PauseEndBodySchema = z.strictObject({ note: text(2000).optional() }).meta({ id: 'EndPause' });

export const CallIdParams = z.object({ code: CaseCodeSchema, callId: id });
export const RequestIdParams = z.object({ code: CaseCodeSchema, requestId: id });
export const UrgeIdParams = z.object({ code: CaseCodeSchema, urgeId: id });
export const PauseIdParams = z.object({ code: CaseCodeSchema, pauseId: id });

/** The HTTP side of one case action (workflows/caseActions declares the rest, once). */
export interface ActionHttp<A extends CaseAction, B extends z.ZodType, P extends z.ZodObject> {
  action: A;
  /** Path after /cases/:code/, in express syntax. */
  path: string;
  summary: string;
  body: B;
  params: P;
  /**
   * The update payload from the parsed body and path params, minus the actor (added from
   * authentication). Typed against the update's input: a body that does not fit fails compilation.
   */
  payload: (body: z.infer<B>, params: z.infer<P>) => Omit<ActionInput<A>, 'actor'>;
}

const http =
  <A extends CaseAction>(action: A) =>
  <B extends z.ZodType, P extends z.ZodObject>(spec: Omit<ActionHttp<A, B, P>, 'action'>): ActionHttp<A, B, P> => ({ action, ...spec });

/** Every action's route, body and payload mapping, keyed by the action's name. */
export const ACTION_HTTP = {
  accept: http('accept')({ path: 'accept', summary: 'Accept the case (受理)', body: AcceptBodySchema, params: CaseCodeParams, payload: (b) => b }),
  respond: http('respond')({ path: 'respond', summary: 'First response: handle it, send it to the community, or guide the reporter', body: RespondBodySchema, params: CaseCodeParams, payload: (b) => b }),
  whistle: http('whistle')({ path: 'whistle', summary: 'Whistle the case up one level (吹哨)', body: WhistleBodySchema, params: CaseCodeParams, payload: (b) => b }),
  calls: http('calls')({ path: 'calls', summary: 'Call departments to report on site (一线呼叫)', body: CallDepartmentsBodySchema, params: CaseCodeParams, payload: (b) => b }),
  report: http('report')({ path: 'calls/:callId/report', summary: 'A called department reports on site (报到)', body: ReportArrivalBodySchema, params: CallIdParams, payload: (b, p) => ({ ...b, callId: p.callId }) }),
  evidence: http('evidence')({ path: 'evidence', summary: 'Upload evidence (recording, video, document, photo)', body: EvidenceBodySchema, params: CaseCodeParams, payload: (b) => b }),
  result: http('result')({ path: 'result', summary: 'Submit the handling result', body: ResultBodySchema, params: CaseCodeParams, payload: (b) => b }),
  review: http('review')({ path: 'review', summary: 'Review: close the case or return it (审核结案)', body: ReviewBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'long-term-plan': http('long-term-plan')({ path: 'long-term-plan', summary: 'Put the case on the medium/long-term plan list', body: LongTermPlanBodySchema, params: CaseCodeParams, payload: (b) => b }),
  resume: http('resume')({ path: 'resume', summary: 'Resume a case from the long-term plan', body: ResumeBodySchema, params: CaseCodeParams, payload: (b) => b }),
  extensions: http('extensions')({ path: 'extensions', summary: 'Request an extension (延期)', body: ExtensionBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'extension-decision': http('extension-decision')({ path: 'extensions/:requestId/decision', summary: 'Approve or reject an extension request', body: ExtensionDecisionBodySchema, params: RequestIdParams, payload: (b, p) => ({ ...b, requestId: p.requestId }) }),
  survey: http('survey')({ path: 'survey', summary: 'Record the revisit survey (回访)', body: SurveyBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'tick-off': http('tick-off')({ path: 'tick-off', summary: "The responsible leader ticks the resolved case off the list (对单销号)", body: TickOffBodySchema, params: CaseCodeParams, payload: (b) => b }),
  urge: http('urge')({ path: 'urges', summary: 'The command center urges a unit on an overdue or at-risk case (催办)', body: UrgeBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'on-site': http('on-site')({ path: 'site-steps', summary: 'Record the arrival on site (到场) or a hazard step (现场勘查, 方案确定, 人材机进场, 消险)', body: SiteStepBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'send-down': http('send-down')({ path: 'send-down', summary: 'The command center sends a case it holds down to its street, community or grid (派单), with a fresh accept window', body: SendDownBodySchema, params: CaseCodeParams, payload: (b) => b }),
  deliberate: http('deliberate')({ path: 'deliberation', summary: 'Record a step of the five-step deliberation (五步议事: 说、问、议、办、评) on a community matter', body: DeliberationStepBodySchema, params: CaseCodeParams, payload: (b) => ({ ...b, text: b.text ?? '' }) }),
  'urge-reply': http('urge-reply')({ path: 'urges/:urgeId/reply', summary: 'The urged unit replies to an urge', body: UrgeReplyBodySchema, params: UrgeIdParams, payload: (b, p) => ({ ...b, urgeId: p.urgeId }) }),
  pause: http('pause')({ path: 'pauses', summary: "The holder asks to pause a window's clock (暂停计时) while waiting on the reporter or a third party", body: PauseBodySchema, params: CaseCodeParams, payload: (b) => b }),
  'pause-decision': http('pause-decision')({ path: 'pauses/:pauseId/decision', summary: 'The level above approves or rejects a clock pause', body: PauseDecisionBodySchema, params: PauseIdParams, payload: (b, p) => ({ ...b, pauseId: p.pauseId }) }),
  'pause-end': http('pause-end')({ path: 'pauses/:pauseId/end', summary: "The holder resumes the paused clock (恢复计时): the window's due time moves by the paused time", body: PauseEndBodySchema, params: PauseIdParams, payload: (b, p) => ({ ...b, pauseId: p.pauseId }) }),
} satisfies { [A in CaseAction]: { action: A } };

/** Why an action is refused: the error the POST would answer, without the request id. */
export const ActionReasonSchema = z
  .object({
    status: z.number().int().meta({ description: 'The HTTP status the POST would answer.', example: 409 }),
    code: z.string().meta({ example: 'INVALID_TRANSITION' }),
    message: z.string().meta({ example: 'cannot accept a case that is ACCEPTED' }),
    fields: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: 'ActionReason' });

export const AllowedActionSchema = z
  .object({
    action: z.enum(CASE_ACTIONS as [CaseAction, ...CaseAction[]]),
    method: z.literal('POST'),
    path: z.string().meta({ description: 'The route as this document names it.', example: '/cases/{code}/calls/{callId}/report' }),
    params: z
      .record(z.string(), z.string())
      .meta({ description: 'Values for the path: the case code, and the call or extension request the action would name when the case has one.' }),
    allowed: z.boolean(),
    reason: ActionReasonSchema.optional().meta({ description: 'When not allowed.' }),
  })
  .meta({ id: 'AllowedAction' });

export const AllowedActionsSchema = z
  .object({
    code: CaseCodeSchema,
    actions: z.array(AllowedActionSchema),
    stateChecked: z.boolean().meta({
      description:
        'true: each action was also checked against the live case by its validator. false: the case runs on a worker that ' +
        'predates this check, so `allowed` only means the role and place rules let the caller attempt it.',
    }),
  })
  .meta({ id: 'AllowedActions' });
