// Bundles the server (src/main.ts and everything it imports, dependencies left in node_modules) into
// dist/server/main.mjs when the bundle is missing or older than its sources. `npm start` runs the bundle:
// loading one file is several times faster than transpiling ~250 TypeScript files through tsx on every
// start, which was most of the start-up time. `npm run dev` and the tests keep running the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/server/main.mjs');

/** Newest mtime of the server's TypeScript sources (directories too: a deleted or renamed file changes its directory). */
function newest(dir, skip) {
  let max = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (skip(p)) continue;
    max = Math.max(max, entry.isDirectory() ? newest(p, skip) : entry.name.endsWith('.ts') ? fs.statSync(p).mtimeMs : 0);
  }
  return max;
}

const webDir = path.join(root, 'src/web');
const inputs = [path.join(root, 'package-lock.json'), path.join(root, 'tsconfig.json'), fileURLToPath(import.meta.url)];
const source = Math.max(
  newest(path.join(root, 'src'), (p) => p === webDir || p.endsWith('.test.ts')),
  newest(path.join(root, 'scripts'), () => false),
  ...inputs.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs),
);
const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
if (built >= source) process.exit(0);

console.log('Bundling the server (first start or sources changed)…');
const { build } = await import('esbuild');
await build({
  entryPoints: [path.join(root, 'src/main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // dependencies are loaded from node_modules as usual (some, like PGlite and argon2, ship WASM or native files)
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  tsconfig: path.join(root, 'tsconfig.json'),
});
