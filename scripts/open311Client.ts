// Manage Open311 client applications (civic apps that file cases with an api_key).
// The key is printed once, when issued or rotated; only its sha256 is stored.
//
//   npx tsx scripts/open311Client.ts issue --name "鼓楼e家" [--id gulou-ejia] [--reporter <REPORTER person id>]
//   npx tsx scripts/open311Client.ts rotate --id gulou-ejia
//   npx tsx scripts/open311Client.ts deactivate --id gulou-ejia
//   npx tsx scripts/open311Client.ts list
//
// Without --reporter, a REPORTER person named after the client is created in the district
// (DISTRICT_ID): the cases the client files show that person as their reporter.
import { parseArgs } from 'node:util';
import { deactivateClient, issueClient, rotateClientKey } from '../api/open311/clients';
import { databaseUrl, loadConfig } from '../config/env';
import { createDb } from '../platform/db';

const USAGE = `usage:
  open311Client issue --name <name> [--id <id>] [--reporter <person id>]
  open311Client rotate --id <id>
  open311Client deactivate --id <id>
  open311Client list`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, id: { type: 'string' }, reporter: { type: 'string' } },
  });
  const command = positionals[0];
  const cfg = loadConfig();
  const db = createDb(databaseUrl(cfg), 2);
  try {
    switch (command) {
      case 'issue': {
        if (!values.name) break;
        const c = await issueClient(db, {
          name: values.name,
          ...(values.id ? { id: values.id } : {}),
          ...(values.reporter ? { reporterPersonId: values.reporter } : { unitId: cfg.DISTRICT_ID }),
        });
        console.log(`Open311 client ${c.id} (${c.name}) files cases as ${c.reporterPersonId}.`);
        console.log(`api_key: ${c.apiKey}`);
        console.log('Store it now: it is not kept and cannot be shown again (rotate to get a new one).');
        return 0;
      }
      case 'rotate': {
        if (!values.id) break;
        const key = await rotateClientKey(db, values.id);
        console.log(`New api_key for ${values.id} (the old one no longer works): ${key}`);
        return 0;
      }
      case 'deactivate': {
        if (!values.id) break;
        await deactivateClient(db, values.id);
        console.log(`Open311 client ${values.id} deactivated: its key is refused from now on.`);
        return 0;
      }
      case 'list': {
        const rows = await db.open311Client.findMany({ orderBy: { id: 'asc' } });
        if (rows.length === 0) console.log('No Open311 clients.');
        for (const r of rows) console.log(`${r.id}\t${r.active ? 'active' : 'inactive'}\t${r.reporterPersonId}\t${r.name}`);
        return 0;
      }
    }
    console.error(USAGE);
    return 2;
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
