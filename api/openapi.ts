// The OpenAPI document: every router's registry merged, plus the security schemes.
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { adminRegistry } from './routes/admin';
import { assessmentRegistry } from './routes/assessment';
import { auditRegistry } from './routes/audit';
import { caseActionsRegistry } from './routes/caseActions';
import { casesRegistry } from './routes/cases';
import { directoryRegistry } from './routes/directory';
import { evidenceFilesRegistry } from './routes/evidenceFiles';
import { healthRegistry } from './routes/health';
import { inboxRegistry } from './routes/inbox';
import { commandCenterBoardRegistry } from './routes/commandCenterBoard';
import { leadersRegistry } from './routes/leaders';
import { outboxRegistry } from './routes/outbox';
import { personalDataRegistry } from './routes/personalData';
import { routinesRegistry } from './routes/routines';
import { codecRegistry } from './routes/codec';
import { signinRegistry } from './routes/signin';
import { surveyRegistry } from './routes/survey';

const REGISTRIES = [healthRegistry, casesRegistry, caseActionsRegistry, evidenceFilesRegistry, inboxRegistry, leadersRegistry, directoryRegistry, auditRegistry, surveyRegistry, assessmentRegistry, signinRegistry, adminRegistry, outboxRegistry, personalDataRegistry, codecRegistry, commandCenterBoardRegistry, routinesRegistry];

type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

let cached: OpenApiDocument | undefined;

/** The API's OpenAPI 3.0 document (built once). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const security = new OpenAPIRegistry();
  security.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'HS256 JWT (sub = person id), or a program session token from POST /auth/login (client: program).',
  });
  security.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'An integration key; its sha256 is stored on the person.',
  });
  const generator = new OpenApiGeneratorV3([...security.definitions, ...REGISTRIES.flatMap((r) => r.definitions)]);
  cached = generator.generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Grid governance case escalation orchestrator',
      version: '0.1.0',
      description:
        'Every case is a durable workflow with windows that escalate by themselves (grid → street → district). ' +
        'Errors share one shape: { error: { code, message, requestId, fields? } }.',
    },
    servers: [{ url: '/' }],
  });
  return cached;
}
