// Creates the demo organisations on an empty database (what `npm start` does by default).
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/platform/db/db.ts';
import { seedDemo } from './seed.lib.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await database.migrate();
console.log((await seedDemo(database.db)) ? 'Demo data created.' : 'The database already has organisations; nothing seeded.');
await database.close();
