import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECK_HELP, checkCommand } from '../../src/cli/check';
import { UsageError } from '../../src/cli/errors';
import {
  HISTORY_LIMITS,
  HistoryFormatError,
  parseEdnHistory,
  parseEtcdLog,
  parseHistory,
  readOperations,
} from '../../src/cli/history-formats';

const etcdLine = (process: number, type: string, f: string, value: string) =>
  `INFO  jepsen.util - ${process}\t:${type}\t:${f}\t${value}`;

/** The message of the HistoryFormatError that `body` throws. */
function errorOf(body: () => unknown): string {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryFormatError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a HistoryFormatError');
}

describe('the Jepsen etcd log', () => {
  it('reads events, with nil, integers, [cas args] and timeouts', () => {
    const text = [
      etcdLine(3, 'invoke', 'cas', '[1 2]'),
      etcdLine(0, 'invoke', 'read', 'nil'),
      '',
      etcdLine(3, 'info', 'cas', ':timed-out'),
      etcdLine(0, 'fail', 'read', ':timed-out'),
      etcdLine(5, 'invoke', 'write', '4'),
      etcdLine(5, 'ok', 'write', '4'),
    ].join('\n');
    const { format, events } = parseEtcdLog(text);
    expect(format).toBe('etcd');
    expect(events).toEqual([
      { process: 3, type: 'invoke', f: 'cas', at: 1, value: [1, 2] },
      { process: 0, type: 'invoke', f: 'read', at: 2, value: null },
      { process: 3, type: 'info', f: 'cas', at: 4 },
      // A read that timed out has an unknown outcome, not a definite failure.
      { process: 0, type: 'info', f: 'read', at: 5 },
      { process: 5, type: 'invoke', f: 'write', at: 6, value: 4 },
      { process: 5, type: 'ok', f: 'write', at: 7, value: 4 },
    ]);
    expect(parseHistory(text).format).toBe('etcd');
  });

  it('says which line is malformed, and how', () => {
    const ok = etcdLine(0, 'invoke', 'read', 'nil');
    expect(errorOf(() => parseEtcdLog(`${ok}\nnot a log line`))).toBe(
      'line 2: expected "INFO  jepsen.util - PROCESS<TAB>:type<TAB>:f<TAB>value", got "not a log line"',
    );
    expect(errorOf(() => parseEtcdLog(etcdLine(0, 'begin', 'read', 'nil')))).toBe(
      'line 1: the type is :invoke, :ok, :fail or :info (got ":begin")',
    );
    expect(errorOf(() => parseEtcdLog('INFO  jepsen.util - 0\t:invoke\tread\tnil'))).toBe(
      'line 1: the f must be a keyword like :read (got "read")',
    );
    expect(errorOf(() => parseEtcdLog(`${ok}\n\n${etcdLine(1, 'invoke', 'cas', '[1 2')}`))).toBe(
      'line 3: missing "]" at column 5 of "[1 2"',
    );
    expect(
      errorOf(() => parseEtcdLog(etcdLine(1, 'invoke', 'write', '12345678901234567890'))),
    ).toBe(
      'line 1: integer 12345678901234567890 out of range at column 21 of "12345678901234567890"',
    );
    expect(errorOf(() => parseEtcdLog(etcdLine(1, 'invoke', 'write', '4 5')))).toBe(
      'line 1: trailing characters at column 3 of "4 5"',
    );
  });
});

describe('EDN maps', () => {
  it('reads events; keys, escapes and the nemesis', () => {
    const text = [
      '{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process :nemesis, :type :info, :f :start, :value nil}',
      '{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}',
      '{:process 1 :type :invoke :f :get :key 7 :value nil}',
      '{:process 1, :type :ok, :f :get, :key 7, :value "a \\"quoted\\" \\\\ \\u0041"}',
      '{:process 2, :type :invoke, :f :put, :key :k, :value [1 {:a 2}]}',
    ].join('\n');
    const { format, events } = parseEdnHistory(text);
    expect(format).toBe('edn');
    expect(events).toEqual([
      { process: 0, type: 'invoke', f: 'append', key: '0', value: 'x 0 0 y', at: 1 },
      { process: 0, type: 'ok', f: 'append', key: '0', value: 'x 0 0 y', at: 3 },
      { process: 1, type: 'invoke', f: 'get', key: '7', value: null, at: 4 },
      { process: 1, type: 'ok', f: 'get', key: '7', value: 'a "quoted" \\ A', at: 5 },
      { process: 2, type: 'invoke', f: 'put', key: 'k', value: [1, { ':a': 2 }], at: 6 },
    ]);
    expect(parseHistory(text).format).toBe('edn');
  });

  it('says which line is malformed, and how', () => {
    const ok = '{:process 0, :type :invoke, :f :get, :key "1", :value nil}';
    expect(errorOf(() => parseEdnHistory(`${ok}\n[1 2]`))).toBe(
      'line 2: expected an EDN map {:process ..., :type ..., :f ...}, got "[1 2]"',
    );
    expect(errorOf(() => parseEdnHistory('{:type :invoke, :f :get}'))).toBe(
      'line 1: :process must be a non-negative integer (got nothing)',
    );
    expect(errorOf(() => parseEdnHistory('{:process 0, :type :begin, :f :get}'))).toBe(
      'line 1: :type must be :invoke, :ok, :fail or :info (got :begin)',
    );
    expect(errorOf(() => parseEdnHistory('{:process 0, :type :ok, :f 3}'))).toBe(
      'line 1: :f must be a keyword like :get (got 3)',
    );
    expect(errorOf(() => parseEdnHistory('{:process 0, :type :ok, :f :get, :key [1]}'))).toBe(
      'line 1: :key must be a string or a number (got a vector)',
    );
    expect(errorOf(() => parseEdnHistory(`${ok}\n${ok}\n{:process 0, :value "abc}`))).toBe(
      'line 3: unterminated string at column 26 of "{:process 0, :value \\"abc}"',
    );
    expect(errorOf(() => parseEdnHistory('{:process 0, :process 1}'))).toMatch(
      /^line 1: duplicate key :process at column/,
    );
    expect(errorOf(() => parseEdnHistory('{:process 0 :type}'))).toMatch(
      /^line 1: a map needs an even number of forms/,
    );
    expect(errorOf(() => parseEdnHistory('{:process 0, :type :ok, :f :get, :value @x}'))).toMatch(
      /^line 1: cannot read "@x"/,
    );
    const deep = `{:process 0, :type :ok, :f :get, :value ${'['.repeat(40)}${']'.repeat(40)}}`;
    expect(errorOf(() => parseEdnHistory(deep))).toMatch(/^line 1: values nested deeper than 32/);
  });

  it('pairs ops and reports pairing problems by line', () => {
    const text = [
      '{:process 0, :type :invoke, :f :get, :key "1", :value nil}',
      '{:process 0, :type :ok, :f :get, :key "1", :value ""}',
      '{:process 1, :type :ok, :f :get, :key "1", :value ""}',
    ].join('\n');
    expect(errorOf(() => readOperations(text))).toBe(
      'line 3: process 1 completes get (ok) with no open invoke',
    );
    const { ops } = readOperations(text.split('\n').slice(0, 2).join('\n'));
    expect(ops).toEqual([
      {
        id: 0,
        process: 0,
        call: 1,
        return: 2,
        input: { f: 'get', key: '1', value: null },
        output: '',
      },
    ]);
  });
});

describe('any input', () => {
  it('is told apart or refused in one line', () => {
    expect(errorOf(() => parseHistory(''))).toBe('the history is empty');
    expect(errorOf(() => parseHistory('\n\n  \n'))).toBe('the history is empty');
    expect(errorOf(() => parseHistory('\nhello world'))).toMatch(
      /^line 2: cannot tell the format: expected an EDN map/,
    );
    expect(errorOf(() => parseHistory(`x\t${'y'.repeat(HISTORY_LIMITS.maxLineChars)}`))).toBe(
      `line 1: line longer than ${HISTORY_LIMITS.maxLineChars} characters`,
    );
  });

  it('never throws anything but a one-line HistoryFormatError', () => {
    const pieces = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '(',
      ')',
      '#{',
      '"',
      '\\',
      '\\u00',
      ':process 0',
      ':type :ok',
      ':type :invoke',
      ':f :read',
      ':key "k"',
      ':value',
      'nil',
      '12',
      '-3',
      '1.5',
      '99999999999999999999',
      ', ',
      ' ',
      '\t',
      '\n',
      'INFO  jepsen.util - 1',
      ':invoke',
      ':timed-out',
      ';',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        for (const format of ['auto', 'etcd', 'edn'] as const) {
          try {
            readOperations(text, format);
          } catch (error) {
            expect(error).toBeInstanceOf(HistoryFormatError);
            expect((error as Error).message).not.toMatch(/[\r\n]/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The command: splitbrain check FILE --model register|kv [--json] [--budget N].

describe('splitbrain check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'splitbrain-check-'));
  const file = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const good = file('good.log', [
    etcdLine(0, 'invoke', 'write', '1'),
    etcdLine(0, 'ok', 'write', '1'),
    etcdLine(1, 'invoke', 'read', 'nil'),
    etcdLine(1, 'ok', 'read', '1'),
  ]);
  const bad = file('bad.log', [
    etcdLine(0, 'invoke', 'write', '1'),
    etcdLine(0, 'ok', 'write', '1'),
    etcdLine(1, 'invoke', 'read', 'nil'),
    etcdLine(1, 'ok', 'read', 'nil'),
  ]);
  const run = (...argv: string[]) => {
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      out.push(args.join(' '));
    });
    try {
      return { code: checkCommand(argv), out };
    } finally {
      spy.mockRestore();
    }
  };
  const usage = (...argv: string[]) => {
    try {
      run(...argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error('expected a UsageError');
  };
  afterEach(() => vi.restoreAllMocks());

  it('prints exactly one JSON object and exits 0 / 1 / 3', () => {
    const ok = run(good, '--model', 'register', '--json');
    expect(ok.code).toBe(0);
    expect(ok.out).toHaveLength(1);
    const report = JSON.parse(ok.out[0]!);
    expect(report).toMatchObject({ linearizable: true, ops: 2, partitions: 1, format: 'etcd' });
    expect(typeof report.wallMillis).toBe('number');

    const no = run(bad, '--model', 'register', '--json');
    expect(no.code).toBe(1);
    const failed = JSON.parse(no.out[0]!);
    expect(failed.linearizable).toBe(false);
    expect(failed.witness.ops).toEqual([
      { id: 0, process: 0, call: 1, return: 2, description: 'write 1' },
      { id: 2, process: 1, call: 3, return: 4, description: 'read -> nil' },
    ]);

    const text = run(bad, '--model', 'register');
    expect(text.out.join('\n')).toMatch(
      /NOT linearizable\n.*\n {2}line 1\.\.2 {2}process 0 {2}write 1/,
    );

    const many = file(
      'many.log',
      Array.from({ length: 12 }, (_, i) => etcdLine(i, 'invoke', 'write', String(i)))
        .concat(Array.from({ length: 12 }, (_, i) => etcdLine(i, 'ok', 'write', String(i))))
        .concat([etcdLine(20, 'invoke', 'read', 'nil'), etcdLine(20, 'ok', 'read', '99')]),
    );
    const unknown = run(many, '--model', 'register', '--budget', '100', '--json');
    expect(unknown.code).toBe(3);
    expect(JSON.parse(unknown.out[0]!)).toMatchObject({ linearizable: 'unknown' });
  });

  it('answers bad input with one line', () => {
    expect(run('--help').out[0]).toBe(CHECK_HELP);
    expect(CHECK_HELP.startsWith('Usage: splitbrain check')).toBe(true);
    expect(usage('--model', 'register')).toMatch(/^check: which history\?/);
    expect(usage(good)).toBe('check: --model is one of register, kv (got nothing)');
    expect(usage(good, '--model', 'queue')).toBe(
      'check: --model is one of register, kv (got "queue")',
    );
    expect(usage(good, '--model', 'kv', '--budget', 'lots')).toMatch(
      /^--budget must be a whole number/,
    );
    expect(usage(join(dir, 'missing.log'), '--model', 'kv')).toMatch(
      /cannot read .*: no such file$/,
    );
    expect(usage(dir, '--model', 'kv')).toMatch(/is a directory$/);
    expect(usage(good, '--model', 'kv', '--format', 'csv')).toBe(
      'check: --format is etcd, edn or auto (got "csv")',
    );
    const broken = file('broken.log', [etcdLine(0, 'invoke', 'read', 'nil'), 'garbage']);
    expect(usage(broken, '--model', 'register')).toMatch(/broken\.log: line 2: expected "INFO/);
    const append = file('append.txt', [
      '{:process 0, :type :invoke, :f :append, :key "a", :value "x"}',
    ]);
    expect(usage(append, '--model', 'register')).toMatch(
      /append\.txt: line 1: the register model has no operation "append"/,
    );
    for (const message of [usage(good), usage(broken, '--model', 'register')])
      expect(message).not.toContain('\n');
  });
});
