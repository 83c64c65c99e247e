// Builds the web app when dist/web is missing or older than its sources, so `npm start` always serves
// the current UI without paying for a build on every start.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist/web/index.html');
const srcDirs = [path.join(root, 'src/web'), path.join(root, 'src/platform'), path.join(root, 'src/modules')];

function newest(dir) {
  let max = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(p));
    else if (entry.name.endsWith('.contract.ts') || p.includes(`${path.sep}web${path.sep}`) || entry.name.endsWith('.json')) max = Math.max(max, fs.statSync(p).mtimeMs);
  }
  return max;
}

const webSrc = path.join(root, 'src/web/index.html');
if (!fs.existsSync(webSrc)) process.exit(0); // no web app yet
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
const source = Math.max(...srcDirs.map(newest));
if (built >= source) process.exit(0);
console.log('Building the web app (first start or sources changed)…');
execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(root, 'src/web/vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
