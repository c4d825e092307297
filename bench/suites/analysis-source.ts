// A realistic large service source for the analysis benchmark: typed domain modules (validation, pure
// state transitions, queries, async ctx.call fan-out, a small class) and one handler table dispatching to
// them. Deterministic: the same line count always gives the same text.

const NOUNS = ['order', 'invoice', 'customer', 'ticket', 'shipment', 'product', 'coupon', 'session', 'report', 'payment', 'review', 'device'];
const FIELDS = ['amount', 'quantity', 'priority', 'score', 'weight', 'retries', 'level', 'total'];
const STATUSES = ['open', 'pending', 'active', 'closed', 'archived'];

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** One domain module (88 lines) for entity `i` of the service. */
function domainModule(i: number): string {
  const noun = `${NOUNS[i % NOUNS.length] ?? 'item'}${i}`;
  const T = cap(noun);
  const f = FIELDS[i % FIELDS.length] ?? 'amount';
  const g = FIELDS[(i + 3) % FIELDS.length] ?? 'score';
  const s1 = STATUSES[i % STATUSES.length] ?? 'open';
  const s2 = STATUSES[(i + 2) % STATUSES.length] ?? 'closed';
  return `
// ---- ${noun}: records, validation, transitions and queries ----
type ${T} = {
  id: string;
  status: '${s1}' | '${s2}';
  ${f}: number;
  ${g}: number;
  tags: string[];
  updatedAt: number;
};

type ${T}Patch = Partial<Pick<${T}, '${f}' | '${g}' | 'tags'>>;

const ${noun.toUpperCase()}_LIMIT = ${100 + i * 7};

function validate${T}(input: unknown): ${T}Patch {
  if (typeof input !== 'object' || input === null) throw new Error('${noun}: expected an object');
  const raw = input as Record<string, unknown>;
  const patch: ${T}Patch = {};
  if (raw['${f}'] !== undefined) {
    if (typeof raw['${f}'] !== 'number' || !Number.isFinite(raw['${f}'])) throw new Error('${noun}.${f} must be a finite number');
    patch.${f} = Math.min(raw['${f}'] as number, ${noun.toUpperCase()}_LIMIT);
  }
  if (raw['${g}'] !== undefined) patch.${g} = Number(raw['${g}']) || 0;
  if (Array.isArray(raw['tags'])) patch.tags = raw['tags'].filter((t): t is string => typeof t === 'string').slice(0, 16);
  return patch;
}

function apply${T}(state: State, id: string, patch: ${T}Patch, now: number): State {
  const prev = state.${noun}[id] ?? { id, status: '${s1}', ${f}: 0, ${g}: 0, tags: [], updatedAt: now };
  const next: ${T} = { ...prev, ...patch, updatedAt: now };
  if (next.${f} >= ${noun.toUpperCase()}_LIMIT) next.status = '${s2}';
  return { ...state, ${noun}: { ...state.${noun}, [id]: next }, version: state.version + 1 };
}

function summarize${T}(state: State): { count: number; ${f}: number; byStatus: Record<string, number> } {
  const rows = Object.values(state.${noun});
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    total += row.${f};
  }
  return { count: rows.length, ${f}: total, byStatus };
}

function top${T}(state: State, limit = 10): ${T}[] {
  return Object.values(state.${noun})
    .filter((r) => r.status !== '${s2}' || r.${g} > ${i % 5})
    .sort((a, b) => b.${g} - a.${g} || a.id.localeCompare(b.id))
    .slice(0, Math.max(1, Math.min(limit, 50)));
}

class ${T}Window {
  #items: number[] = [];
  constructor(private readonly size: number) {}
  push(value: number): number {
    this.#items.push(value);
    if (this.#items.length > this.size) this.#items.shift();
    return this.#items.reduce((a, b) => a + b, 0) / this.#items.length;
  }
}

const ${noun}Window = new ${T}Window(${5 + (i % 7)});

async function sync${T}(state: State, ctx: ServiceContext, id: string): Promise<Json> {
  const row = state.${noun}[id];
  if (!row) return { found: false, id };
  const avg = ${noun}Window.push(row.${f});
  try {
    const remote = await ctx.call('${noun}-mirror', { op: 'put', id, ${f}: row.${f}, avg }, { timeoutMs: ${1000 + i * 10} });
    ctx.log.debug(\`synced ${noun} \${id}\`, { remote });
    return { found: true, id, avg, remote };
  } catch (err) {
    ctx.log.warn('${noun} sync failed', { id, error: String(err) });
    return { found: true, id, avg, remote: null };
  }
}
`;
}

function stateType(domains: number): string {
  const fields = Array.from({ length: domains }, (_, i) => `  ${NOUNS[i % NOUNS.length] ?? 'item'}${i}: Record<string, ${cap(`${NOUNS[i % NOUNS.length] ?? 'item'}${i}`)}>;`);
  return `type State = {\n  version: number;\n${fields.join('\n')}\n};\n`;
}

function handlerCases(domains: number): string {
  const cases: string[] = [];
  for (let i = 0; i < domains; i++) {
    const noun = `${NOUNS[i % NOUNS.length] ?? 'item'}${i}`;
    const T = cap(noun);
    cases.push(`      case '${noun}.put': {
        const next = apply${T}(state, String(m.id), validate${T}(m.body), Date.now());
        return { reply: { ok: true, version: next.version } as Json, state: next };
      }
      case '${noun}.summary':
        return { reply: summarize${T}(state) as unknown as Json, state };
      case '${noun}.top':
        return { reply: top${T}(state, Number(m.limit ?? 10)) as unknown as Json, state };
      case '${noun}.sync':
        return { reply: await sync${T}(state, ctx, String(m.id)), state };`);
  }
  return cases.join('\n');
}

/**
 * A TypeScript service of about `lines` lines (at least one domain module). Every rule of the analysis is
 * exercised only by legitimate code: it must produce no finding.
 */
export function generateServiceSource(lines: number): string {
  const domains = Math.max(1, Math.ceil((lines - 45) / 88));
  const inits = Array.from({ length: domains }, (_, i) => `${NOUNS[i % NOUNS.length] ?? 'item'}${i}: {}`).join(', ');
  return `// A generated service with ${domains} domains, for the static analysis benchmark.
import type { CallResult, Json, ServiceContext, ServiceDefinition } from '@solo/sdk';

${stateType(domains)}
type Msg = { op?: string; id?: string; body?: Json; limit?: number };
${Array.from({ length: domains }, (_, i) => domainModule(i)).join('')}
export default {
  version: '1.0.0',
  init(): State {
    return { version: 0, ${inits} };
  },
  async handleCall(msg, state, ctx): Promise<CallResult<State>> {
    const m = (msg ?? {}) as Msg;
    switch (m.op) {
${handlerCases(domains)}
      default:
        return { reply: { error: \`unknown op \${String(m.op)}\` }, state };
    }
  },
  handleCast(msg, state) {
    const m = (msg ?? {}) as Msg;
    if (m.op === 'reset') return { ...state, version: 0 };
    return state;
  },
} satisfies ServiceDefinition<State>;
`;
}
