/**
 * Everything a benchmark creates outside its own process (servers, databases, temp dirs) registers an undo
 * here, so Ctrl-C or a crash in the middle of a run still leaves the machine as it was: other engineers run
 * servers and tests on the same PostgreSQL.
 */
type Undo = () => Promise<void> | void;

const pending = new Map<number, { label: string; undo: Undo }>();
const late: Promise<void>[] = [];
let nextId = 1;
let closing = false;

export class Interrupted extends Error {}

/**
 * Registers an undo; call the returned function after undoing it yourself in the normal path. Once the
 * run is being torn down, the resource is undone at once and the caller gets Interrupted, so a benchmark
 * still in flight cannot leave behind what it created after the teardown started.
 */
export function onCleanup(label: string, undo: Undo): () => void {
  if (closing) {
    late.push(Promise.resolve().then(undo).catch(() => undefined));
    throw new Interrupted(`interrupted: ${label} undone at once`);
  }
  const id = nextId++;
  pending.set(id, { label, undo });
  return () => {
    pending.delete(id);
  };
}

/** Runs every registered undo, newest first (servers stop before their database is dropped). */
export async function runCleanups(log: (msg: string) => void): Promise<void> {
  closing = true;
  while (pending.size > 0 || late.length > 0) {
    const entries = [...pending.entries()].reverse();
    pending.clear();
    for (const [, { label, undo }] of entries) {
      try {
        await undo();
      } catch (e) {
        log(`cleanup of ${label} failed: ${(e as Error).message}`);
      }
    }
    await Promise.all(late.splice(0));
  }
}
