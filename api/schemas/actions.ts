// Bodies of the case actions (POST /cases/:code/<action>). The shapes mirror the update
// payloads in workflows/messages.ts minus the actor, which comes from authentication.
// Shape is checked here; whether the action is allowed now is the workflow's validators' call.
import { z } from 'zod';
import type {
  AcceptCaseInput,
  CallDepartmentsInput,
  DecideExtensionInput,
  PlanLongTermInput,
  RecordSurveyInput,
  ReportArrivalInput,
  RequestExtensionInput,
  RespondCaseInput,
  ResumePlanInput,
  ReviewCaseInput,
  SubmitResultInput,
  UploadEvidenceInput,
  WhistleInput,
} from '../../workflows/messages';
import { CaseCodeSchema, IsoDateTime } from './common';

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().trim().min(1).max(100);

export const AcceptBodySchema = z.strictObject({ note: text(1000).optional() }).meta({ id: 'AcceptCase' });

export const RespondBodySchema = z
  .strictObject({
    decision: z.enum(['SELF', 'COMMUNITY', 'GUIDANCE']),
    note: text(1000).optional(),
    guidance: text(2000).optional().meta({ description: 'Required when decision is GUIDANCE: the explanation sent to the reporter.' }),
  })
  .superRefine((b, ctx) => {
    if (b.decision === 'GUIDANCE' && !b.guidance) ctx.addIssue({ code: 'custom', path: ['guidance'], message: 'required when decision is GUIDANCE' });
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

export const ReportArrivalBodySchema = z.strictObject({}).meta({ id: 'ReportArrival' });

export const EvidenceBodySchema = z
  .strictObject({
    callId: id.optional(),
    kind: z.enum(['RECORDING', 'VIDEO', 'DOCUMENT', 'PHOTO']),
    url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, { message: '64 hexadecimal characters' }).transform((s) => s.toLowerCase()),
  })
  .meta({ id: 'UploadEvidence' });

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

// Compile-time checks: each parsed body plus the actor (and path ids) is the update's payload.
type Without<T> = Omit<T, 'actor'>;
type Fits<S extends z.ZodType, T> = z.infer<S> extends T ? true : false;
type AllTrue<T extends true[]> = T;
export type PayloadsFit = AllTrue<[
  Fits<typeof AcceptBodySchema, Without<AcceptCaseInput>>,
  Fits<typeof RespondBodySchema, Without<RespondCaseInput>>,
  Fits<typeof WhistleBodySchema, Without<WhistleInput>>,
  Fits<typeof CallDepartmentsBodySchema, Without<CallDepartmentsInput>>,
  Fits<typeof ReportArrivalBodySchema, Omit<Without<ReportArrivalInput>, 'callId'>>,
  Fits<typeof EvidenceBodySchema, Without<UploadEvidenceInput>>,
  Fits<typeof ResultBodySchema, Without<SubmitResultInput>>,
  Fits<typeof ReviewBodySchema, Without<ReviewCaseInput>>,
  Fits<typeof LongTermPlanBodySchema, Without<PlanLongTermInput>>,
  Fits<typeof ResumeBodySchema, Without<ResumePlanInput>>,
  Fits<typeof ExtensionBodySchema, Without<RequestExtensionInput>>,
  Fits<typeof ExtensionDecisionBodySchema, Omit<Without<DecideExtensionInput>, 'requestId'>>,
  Fits<typeof SurveyBodySchema, Without<RecordSurveyInput>>,
]>;

export const CallIdParams = z.object({ code: CaseCodeSchema, callId: id });
export const RequestIdParams = z.object({ code: CaseCodeSchema, requestId: id });
