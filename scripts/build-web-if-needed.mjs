// Builds the web app when dist/web is missing or older than its sources, so `npm start` always serves
// the current UI without paying for a build on every start.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/web/index.html');
const webDir = path.join(root, 'src/web');

/** Newest mtime of the web sources (directories too: a deleted or renamed file changes its directory). */
function newestWeb(dir) {
  let max = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newestWeb(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

/** Newest mtime of the `*.contract.ts` files the web app imports from the server side. */
function newestContract(dir) {
  let max = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newestContract(p));
    else if (entry.name.endsWith('.contract.ts')) max = Math.max(max, fs.statSync(p).mtimeMs);
  }
  return max;
}

if (!fs.existsSync(path.join(webDir, 'index.html'))) process.exit(0); // no web app yet
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
const lockFile = path.join(root, 'package-lock.json');
const source = Math.max(
  newestWeb(webDir),
  newestContract(path.join(root, 'src/platform')),
  newestContract(path.join(root, 'src/modules')),
  fs.existsSync(lockFile) ? fs.statSync(lockFile).mtimeMs : 0, // upgraded dependencies
);
if (built >= source) process.exit(0);
console.log('Building the web app (first start or sources changed)…');
execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(webDir, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
