// A sample case's whole workflow input (devstack/sampleCase.ts) with the policy of the
// default configuration and a fresh code, as intake would start it.
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/env';
import { defaultCalendar } from '../domain/calendar';
import { buildCasePolicy } from '../domain/policy';
import { defaultTriage, ladderForPlace, triageStartLevel } from '../domain/triage';
import type { IntakeFile, Level, TriageKind } from '../domain/types';
import { newCaseOptions } from '../features/intake/intake';
import type { CaseOptions, CaseWorkflowInput } from '../workflows/messages';
import { DEPARTMENTS, DIRECTORY, sampleIntake } from './sampleCase';

/** The default configuration (NODE_ENV=test): where caseInput's policy comes from. */
export const cfg = loadConfig({ NODE_ENV: 'test' });

let counter = 0;

/** A new sample case's workflow input, reported at `reportedAt`, with the policy of the default configuration. */
export function caseInput(
  reportedAt: number,
  // legacy: the options of the first cases; noRunArchive: of cases started before CaseOptions.archiveEarlierRuns;
  // noRecordedWindows: of cases started before CaseOptions.recordWindows; noPacing: of cases started
  // before CasePolicy.pacing (every lapse climbs one level, to the top, at any hour); noRoutines: of cases
// started before CasePolicy.leaderList and .supervision (no leader's list, no urges); noSite: of cases started
// before CasePolicy.site (the on-site window met by the result, no steps on site); legacy cases have none either;
// noDeliberation: of cases started before CasePolicy.deliberation (no five-step deliberation, closing as before);
// recordLocally: of cases started while facts were recorded by the local activity (CaseOptions.recordLocally);
// noCommunityStep: of cases started before the default ladder named the community (GRID → STREET → …).
  o: {
    startLevel?: Level;
    urgent?: boolean;
    completionDays?: number;
    triage?: TriageKind;
    legacy?: boolean;
    noRunArchive?: boolean;
    noRecordedWindows?: boolean;
    noPacing?: boolean;
    /** Files sent with the report (CaseIntake.files). */
    files?: IntakeFile[];
    noRoutines?: boolean;
    /** Of cases started before CasePolicy.responseFromReceipt (the response window counts from acceptance). */
    noResponseFromReceipt?: boolean;
    noSite?: boolean;
    noDeliberation?: boolean;
    /** Of cases started before CasePolicy.pause (no clock pauses). */
    noPause?: boolean;
    recordLocally?: boolean;
    /** Of cases started before CasePolicy.triage (every kind starts at the catalog's level, only streets call). */
    noTriage?: boolean;
    /** The kinds routed (TRIAGE_ROUTES); absent: the configuration's. */
    triageRoutes?: TriageKind[];
    /**
     * Of cases started before the default ladder named the community (LADDER=GRID,STREET,…), or at
     * a grid without a community: the ladder without COMMUNITY (and no PausePolicy.approverFrom,
     * which came with it). Legacy cases have it too.
     */
    noCommunityStep?: boolean;
  } = {},
): CaseWorkflowInput {
  counter += 1;
  const code = `GL-20261123-${String(counter).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
  const policy = buildCasePolicy({ completionDays: o.completionDays ?? 3, urgent: o.urgent ?? false, windowOverrides: {} }, cfg);
  if (o.noPacing || o.legacy) delete policy.pacing;
  if (o.noRoutines || o.legacy) {
    delete policy.leaderList;
    delete policy.supervision;
  }
  if (o.noResponseFromReceipt || o.noPacing || o.legacy) delete policy.responseFromReceipt;
  if (o.noSite || o.legacy) delete policy.site;
  if (o.noDeliberation || o.legacy) delete policy.deliberation;
  if (o.noTriage || o.legacy) delete policy.triage;
  else if (o.triageRoutes) policy.triage = defaultTriage(o.triageRoutes);
  const sample = sampleIntake({ code, reportedAt, triage: o.triage, urgent: o.urgent, startLevel: o.startLevel });
  // As intake starts it: the ladder at this place, and the kind's route decides the level (三事分流).
  policy.ladder = ladderForPlace(policy.ladder, DIRECTORY);
  if (o.noCommunityStep || o.legacy) {
    policy.ladder = policy.ladder.filter((l) => l !== 'COMMUNITY');
    // The pause's lowest approver came with it (on the ladder without the community the next level is the street anyway).
    if (policy.pause) delete policy.pause.approverFrom;
  }
  sample.startLevel = triageStartLevel(sample.triage, sample.startLevel, DIRECTORY, policy.triage);
  if (o.noPause || o.legacy) delete policy.pause;
  return {
    intake: { ...sample, ...(o.files ? { files: o.files } : {}) },
    policy,
    calendar: defaultCalendar(),
    directory: DIRECTORY,
    departmentOfficers: DEPARTMENTS,
    options: o.legacy
      ? { searchAttributes: false }
      : {
          ...withoutFlags(newCaseOptions(false), { archiveEarlierRuns: o.noRunArchive, recordWindows: o.noRecordedWindows }),
          ...(o.recordLocally ? { recordLocally: true } : {}),
        },
  };
}

/** The options without the flags marked true in `omit`, as a case started before those flags has them. */
function withoutFlags(options: CaseOptions, omit: { archiveEarlierRuns?: boolean; recordWindows?: boolean }): CaseOptions {
  const rest: CaseOptions = { ...options };
  if (omit.archiveEarlierRuns) delete rest.archiveEarlierRuns;
  if (omit.recordWindows) delete rest.recordWindows;
  return rest;
}
