// Many readers of one key share Temporal calls without ever seeing a state older than their request:
// a read that arrives while a call for its key runs waits for the next call, which starts when the
// running one ends and serves everyone who arrived meanwhile. So a key has at most one call running and
// one queued, however many readers it has, and every answer comes from a call that began after the
// request did (a reader sees its own and everyone's earlier writes).

interface KeyReads<V> {
  running: Promise<V>;
  next?: Promise<V>;
}

export function coalescedReads<V>(read: (key: string) => Promise<V>): (key: string) => Promise<V> {
  const reads = new Map<string, KeyReads<V>>();

  function start(key: string): Promise<V> {
    const running = read(key);
    const entry: KeyReads<V> = { running };
    reads.set(key, entry);
    const settled = () => {
      if (reads.get(key) === entry && !entry.next) reads.delete(key);
    };
    running.then(settled, settled);
    return running;
  }

  return (key) => {
    const entry = reads.get(key);
    if (!entry) return start(key);
    entry.next ??= entry.running.then(
      () => start(key),
      () => start(key),
    );
    return entry.next;
  };
}
