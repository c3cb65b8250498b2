/**
 * Readers for recorded client histories (see /work/shared/data/histories/README.md):
 *
 *  - the Jepsen etcd log: `INFO  jepsen.util - 3<TAB>:invoke<TAB>:cas<TAB>[1 2]`, one event a line;
 *  - EDN maps, one a line: `{:process 0, :type :invoke, :f :get, :key "7", :value nil}`.
 *
 * Both give the kernel's HistoryEvent records with `at` = the line number (a file lists events in
 * the order they happened), ready for operationsFromHistory. Input is untrusted: sizes are
 * bounded, and anything malformed is a HistoryFormatError with a one-line message naming the
 * line. Nothing else is ever thrown.
 */
import { HistoryError, operationsFromHistory } from '../sim/history/linearizability';
import type { OpInput, Operation } from '../sim/history/models';
import type { HistoryEvent } from '../sim/types';

export type HistoryFormat = 'etcd' | 'edn';

export const HISTORY_LIMITS = {
  /** Characters of input. */
  maxChars: 64 * 1024 * 1024,
  /** Events (lines that are not blank). */
  maxEvents: 1_000_000,
  /** Characters in one line. */
  maxLineChars: 65_536,
  /** Nesting of vectors and maps in a value. */
  maxDepth: 32,
} as const;

/** Malformed input: the message is one line, starting with the line number when there is one. */
export class HistoryFormatError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = 'HistoryFormatError';
  }
}

export interface ParsedHistory {
  readonly format: HistoryFormat;
  readonly events: HistoryEvent[];
}

/** Parse a history file; `auto` picks the format from the first line that is not blank. */
export function parseHistory(text: string, format: HistoryFormat | 'auto' = 'auto'): ParsedHistory {
  return guard(() => {
    const chosen = format === 'auto' ? detectFormat(text) : format;
    return chosen === 'etcd' ? parseEtcdLog(text) : parseEdnHistory(text);
  });
}

/** Parse, then pair invokes with completions. Pairing problems are reported by line. */
export function readOperations(
  text: string,
  format: HistoryFormat | 'auto' = 'auto',
): ParsedHistory & { readonly ops: Operation<OpInput, unknown>[] } {
  return guard(() => {
    const parsed = parseHistory(text, format);
    try {
      return { ...parsed, ops: operationsFromHistory(parsed.events) };
    } catch (error) {
      if (error instanceof HistoryError)
        throw new HistoryFormatError(error.message, parsed.events[error.index]?.at ?? null);
      throw error;
    }
  });
}

export function detectFormat(text: string): HistoryFormat {
  return guard(() => {
    for (const [index, line] of lines(text)) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      if (trimmed.startsWith('{')) return 'edn';
      if (line.includes('\t')) return 'etcd';
      throw new HistoryFormatError(
        `cannot tell the format: expected an EDN map ({:process ...}) or a Jepsen log line (INFO jepsen.util - P<TAB>:invoke<TAB>:f<TAB>value), got ${quote(trimmed)}`,
        index,
      );
    }
    throw new HistoryFormatError('the history is empty');
  });
}

// ---------------------------------------------------------------------------------------------
// Jepsen etcd log.

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

export function parseEtcdLog(text: string): ParsedHistory {
  return guard(() => {
    const events: HistoryEvent[] = [];
    for (const [lineNo, line] of lines(text)) {
      if (line.trim() === '') continue;
      const fields = line.replace(/\r$/, '').split('\t');
      const proc = fields.length === 4 ? /-\s*(\d{1,9})\s*$/.exec(fields[0]!) : null;
      if (proc === null)
        throw new HistoryFormatError(
          `expected "INFO  jepsen.util - PROCESS<TAB>:type<TAB>:f<TAB>value", got ${quote(line)}`,
          lineNo,
        );
      const type = keywordField(fields[1]!, 'type', lineNo);
      if (!TYPES.has(type))
        throw new HistoryFormatError(
          `the type is :invoke, :ok, :fail or :info (got ${quote(fields[1]!)})`,
          lineNo,
        );
      const f = keywordField(fields[2]!, 'f', lineNo);
      const value = readValue(fields[3]!.trim(), lineNo);
      pushEvent(events, lineNo, {
        process: Number(proc[1]),
        type: type as HistoryEvent['type'],
        f,
        value: plain(value),
        timedOut: isTimeout(value),
      });
    }
    return { format: 'etcd' as const, events };
  });
}

function keywordField(text: string, name: string, lineNo: number): string {
  const match = /^\s*:([A-Za-z_][\w?!*+./-]*)\s*$/.exec(text);
  if (match === null)
    throw new HistoryFormatError(
      `the ${name} must be a keyword like :read (got ${quote(text)})`,
      lineNo,
    );
  return match[1]!;
}

// ---------------------------------------------------------------------------------------------
// EDN maps, one per line.

export function parseEdnHistory(text: string): ParsedHistory {
  return guard(() => {
    const events: HistoryEvent[] = [];
    for (const [lineNo, line] of lines(text)) {
      if (line.trim() === '') continue;
      const map = readValue(line.trim(), lineNo);
      if (!(map instanceof EdnMap))
        throw new HistoryFormatError(
          `expected an EDN map {:process ..., :type ..., :f ...}, got ${quote(line)}`,
          lineNo,
        );
      const proc = map.get(':process');
      // Jepsen's nemesis is not a client: its events are not operations.
      if (proc instanceof Keyword && proc.name === 'nemesis') continue;
      if (typeof proc !== 'number' || !Number.isSafeInteger(proc) || proc < 0)
        throw new HistoryFormatError(
          `:process must be a non-negative integer (got ${describe(proc)})`,
          lineNo,
        );
      const type = keywordName(map.get(':type'));
      if (type === null || !TYPES.has(type))
        throw new HistoryFormatError(
          `:type must be :invoke, :ok, :fail or :info (got ${describe(map.get(':type'))})`,
          lineNo,
        );
      const fRaw = map.get(':f');
      const f = keywordName(fRaw) ?? (typeof fRaw === 'string' && fRaw !== '' ? fRaw : null);
      if (f === null)
        throw new HistoryFormatError(
          `:f must be a keyword like :get (got ${describe(fRaw)})`,
          lineNo,
        );
      const keyRaw = map.get(':key');
      let key: string | undefined;
      if (keyRaw === undefined || keyRaw === null) key = undefined;
      else if (typeof keyRaw === 'string') key = keyRaw;
      else if (keyRaw instanceof Keyword) key = keyRaw.name;
      else if (typeof keyRaw === 'number') key = String(keyRaw);
      else
        throw new HistoryFormatError(
          `:key must be a string or a number (got ${describe(keyRaw)})`,
          lineNo,
        );
      const event: {
        process: number;
        type: HistoryEvent['type'];
        f: string;
        key?: string;
        value?: unknown;
      } = {
        process: proc,
        type: type as HistoryEvent['type'],
        f,
      };
      if (key !== undefined) event.key = key;
      const value = map.get(':value') ?? null;
      pushEvent(events, lineNo, { ...event, value: plain(value), timedOut: isTimeout(value) });
    }
    return { format: 'edn' as const, events };
  });
}

// ---------------------------------------------------------------------------------------------
// Shared.

function pushEvent(
  events: HistoryEvent[],
  lineNo: number,
  event: {
    process: number;
    type: HistoryEvent['type'];
    f: string;
    key?: string;
    value?: unknown;
    timedOut: boolean;
  },
): void {
  if (events.length >= HISTORY_LIMITS.maxEvents)
    throw new HistoryFormatError(`more than ${HISTORY_LIMITS.maxEvents} events`, lineNo);
  let { type, value } = event;
  // A timeout is never a definite failure: the op may or may not have happened.
  if (event.timedOut && (type === 'fail' || type === 'info')) {
    type = 'info';
    value = undefined;
  }
  const out: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = {
    process: event.process,
    type,
    f: event.f,
    at: lineNo,
  };
  if (event.key !== undefined) out.key = event.key;
  if (value !== undefined) out.value = value;
  events.push(out);
}

/** [line number, line] for every line, after checking the overall size. */
function* lines(text: string): Generator<[number, string]> {
  if (typeof text !== 'string') throw new HistoryFormatError('the history is not text');
  if (text.length > HISTORY_LIMITS.maxChars)
    throw new HistoryFormatError(
      `the history is larger than ${HISTORY_LIMITS.maxChars} characters (${text.length})`,
    );
  let start = 0;
  let lineNo = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > HISTORY_LIMITS.maxLineChars)
      throw new HistoryFormatError(
        `line longer than ${HISTORY_LIMITS.maxLineChars} characters`,
        lineNo,
      );
    if (start < text.length || end > start) yield [lineNo, text.slice(start, end)];
    start = end + 1;
    lineNo++;
  }
}

/** An EDN keyword, `:name`. */
class Keyword {
  constructor(readonly name: string) {}
}

/** An EDN map; keyword keys are stored as ":name", others by their JSON form. */
class EdnMap {
  readonly entries = new Map<string, Edn>();
  get(key: string): Edn | undefined {
    return this.entries.get(key);
  }
}

/**
 * A small EDN reader for one value: nil, true, false, integers, decimals, strings, keywords,
 * vectors and lists (arrays), sets (arrays) and maps.
 */
type Edn = null | boolean | number | string | Keyword | Edn[] | EdnMap;

function isTimeout(value: Edn): boolean {
  return value instanceof Keyword && value.name === 'timed-out';
}

function readValue(text: string, lineNo: number): Edn {
  return new EdnReader(text, lineNo).read();
}

/** A class, not closures: one reader per line, and closures per line were the bulk of the cost. */
class EdnReader {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly lineNo: number,
  ) {}

  read(): Edn {
    const result = this.value(0);
    this.skip();
    if (this.pos < this.text.length) this.fail('trailing characters');
    return result;
  }

  private fail(what: string): never {
    throw new HistoryFormatError(
      `${what} at column ${this.pos + 1} of ${quote(this.text)}`,
      this.lineNo,
    );
  }

  private skip(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === ' ' || c === ',' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === ';') this.pos = text.length;
      else break;
    }
  }

  private value(depth: number): Edn {
    const text = this.text;
    if (depth > HISTORY_LIMITS.maxDepth)
      this.fail(`values nested deeper than ${HISTORY_LIMITS.maxDepth}`);
    this.skip();
    if (this.pos >= text.length) this.fail('unexpected end of value');
    const c = text[this.pos]!;
    if (c === '{' || c === '[' || c === '(' || (c === '#' && text[this.pos + 1] === '{'))
      return this.collection(c, depth);
    if (c === '"') return this.string();
    const start = this.pos;
    while (this.pos < text.length && !DELIMITER.has(text.charCodeAt(this.pos))) this.pos++;
    const token = text.slice(start, this.pos);
    if (token === '') this.fail(`unexpected "${c}"`);
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (/^[-+]?\d+N?$/.test(token)) {
      const n = Number(token.replace(/N$/, ''));
      if (!Number.isSafeInteger(n)) this.fail(`integer ${token} out of range`);
      return n;
    }
    if (/^[-+]?\d+\.\d*([eE][-+]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ''));
    if (/^:[^:]/.test(token)) return new Keyword(token.slice(1));
    return this.fail(`cannot read ${quote(token)}`);
  }

  private collection(open: string, depth: number): Edn {
    const text = this.text;
    this.pos += open === '#' ? 2 : 1;
    const close = open === '[' ? ']' : open === '(' ? ')' : '}';
    const items: Edn[] = [];
    for (;;) {
      this.skip();
      if (this.pos >= text.length) this.fail(`missing "${close}"`);
      const c = text[this.pos];
      if (c === close) {
        this.pos++;
        break;
      }
      if (c === ']' || c === ')' || c === '}') this.fail(`unexpected "${c}"`);
      items.push(this.value(depth + 1));
    }
    if (open !== '{') return items;
    if (items.length % 2 !== 0) this.fail('a map needs an even number of forms');
    const map = new EdnMap();
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      const name = k instanceof Keyword ? `:${k.name}` : JSON.stringify(plain(k));
      if (map.entries.has(name)) this.fail(`duplicate key ${name}`);
      map.entries.set(name, items[i + 1]!);
    }
    return map;
  }

  private string(): string {
    const text = this.text;
    this.pos++;
    // Fast path: no escape before the closing quote.
    const end = text.indexOf('"', this.pos);
    const escape = text.indexOf('\\', this.pos);
    if (end >= 0 && (escape < 0 || escape > end)) {
      const out = text.slice(this.pos, end);
      this.pos = end + 1;
      return out;
    }
    let out = '';
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated string');
      const d = text[this.pos++]!;
      if (d === '"') return out;
      if (d !== '\\') {
        out += d;
        continue;
      }
      const e = text[this.pos++];
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === '"' || e === '\\') out += e;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(parseInt(text.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else this.fail('bad escape in string');
    }
  }
}

/** Characters that end a token: whitespace, commas, brackets, quotes. */
const DELIMITER = new Set([...' \t\r\n\f\v,{}[]()"'].map((ch) => ch.charCodeAt(0)));

function keywordName(value: unknown): string | null {
  return value instanceof Keyword ? value.name : null;
}

/** EDN to plain data for the models: keywords become ":name", maps objects keyed as stored. */
function plain(value: Edn): unknown {
  if (value instanceof EdnMap) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries) out[k] = plain(v);
    return out;
  }
  if (value instanceof Keyword) return `:${value.name}`;
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nil';
  if (value instanceof EdnMap) return 'a map';
  if (value instanceof Keyword) return `:${value.name}`;
  if (Array.isArray(value)) return 'a vector';
  return typeof value === 'string' ? quote(value) : String(value);
}

function quote(text: string): string {
  const clean = text.replace(/\t/g, '<TAB>').replace(/[\r\n]/g, ' ');
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 77)}...` : clean);
}

/** Anything unexpected becomes a HistoryFormatError: callers handle one kind of error. */
function guard<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof HistoryFormatError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new HistoryFormatError(`cannot read the history: ${message.split('\n')[0]}`);
  }
}
