// Applies the migrations to DATABASE_URL (or the PGlite data directory) without starting the server.
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/platform/db/db.ts';

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await database.migrate();
console.log(`Migrations applied (${database.kind}).`);
await database.close();
