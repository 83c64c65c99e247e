// Module-boundary rules of ARCHITECTURE.md, checked on every relative import:
// - platform/ imports no module; a module imports another module only through its index.ts or its contracts;
// - a contract imports only contracts (the web app loads contracts);
// - the web app imports only *.contract.ts (and JSON catalogues) from outside src/web;
// - services never import routes.
import path from 'node:path';

const rule = {
  meta: { type: 'problem', messages: { bad: '{{why}}' }, schema: [] },
  create(context) {
    const file = context.filename;
    const src = path.join(context.cwd, 'src') + path.sep;
    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const rel = (p) => (p.startsWith(src) ? p.slice(src.length).split(path.sep) : null);
      const from = rel(file);
      const to = rel(target);
      const report = (why) => context.report({ node, messageId: 'bad', data: { why } });
      if (file.endsWith('.service.ts') && target.endsWith('.routes.ts')) report('A service must not import routes.');
      if (!from || !to) return;
      if (from[0] === 'platform' && to[0] === 'modules') report('platform/ must not import a module.');
      // another module's contract (its public API types) may be imported directly: it holds no services,
      // so a contract importing it stays free of server code (the web app imports contracts)
      const last = to[to.length - 1];
      if (from[0] === 'modules' && to[0] === 'modules' && from[1] !== to[1] && last !== 'index.ts' && !last.endsWith('.contract.ts'))
        report(`Import module "${to[1]}" only through its index.ts (or its *.contract.ts).`);
      if (file.endsWith('.contract.ts') && !target.endsWith('.contract.ts') && !target.endsWith('.json'))
        report('A contract imports only other contracts: the web app loads it.');
      if (from[0] === 'web' && to[0] !== 'web' && !target.endsWith('.contract.ts'))
        report('The web app imports only *.contract.ts from outside src/web.');
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { rules: { 'module-imports': rule } };
