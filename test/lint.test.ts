import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

/** The rule ids ESLint reports for `code` as if it lived at `path`. */
async function rulesFiredAt(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const BANNED: [string, string][] = [
  ['Math.random()', 'no-restricted-properties'],
  ['Date.now()', 'no-restricted-properties'],
  ['performance.now()', 'no-restricted-properties'],
  ['new Date()', 'no-restricted-syntax'],
  ['setTimeout(() => 0, 1)', 'no-restricted-globals'],
  ['setInterval(() => 0, 1)', 'no-restricted-globals'],
  ['Math.log(2)', 'no-restricted-properties'],
  ['Math.exp(2)', 'no-restricted-properties'],
  ['Math.pow(2, 3)', 'no-restricted-properties'],
  ['Math.sin(2)', 'no-restricted-properties'],
  ['Math.cos(2)', 'no-restricted-properties'],
  ['2 ** 3', 'no-restricted-syntax'],
  ['for (const k in {}) void k', 'no-restricted-syntax'],
];

describe('lint enforces the determinism rules in src/sim and src/protocols', () => {
  for (const [code, rule] of BANNED) {
    it(`rejects ${code}`, async () => {
      expect(
        await rulesFiredAt('src/sim/probe.ts', `export const x = () => { ${code}; };\n`),
      ).toContain(rule);
      expect(
        await rulesFiredAt(
          'src/protocols/probe/index.ts',
          `export const x = () => { ${code}; };\n`,
        ),
      ).toContain(rule);
    });
  }

  it('allows integer arithmetic and the same calls outside the simulation (the CLI)', async () => {
    expect(
      await rulesFiredAt(
        'src/sim/probe.ts',
        'export const x = (a: number) => Math.floor((a * 3) / 7);\n',
      ),
    ).toEqual([]);
    expect(
      await rulesFiredAt(
        'src/cli/probe.ts',
        'export const x = () => Date.now() + Math.random();\n',
      ),
    ).toEqual([]);
  });
});

describe('lint enforces the import boundaries (sim <- protocols <- ui)', () => {
  const cases: [string, string][] = [
    ['src/sim/probe.ts', "import { broadcast } from '../protocols/broadcast';"],
    ['src/sim/probe.ts', "import { App } from '../ui/App';"],
    ['src/sim/probe.ts', "import { main } from '../cli/main';"],
    ['src/sim/probe.ts', "import React from 'react';"],
    ['src/protocols/probe/index.ts', "import { App } from '../../ui/App';"],
    ['src/protocols/probe/index.ts', "import * as d3 from 'd3';"],
    ['src/cli/probe.ts', "import { App } from '../ui/App';"],
    ['test/probe.test.ts', "import { App } from '../src/ui/App';"],
  ];
  for (const [path, line] of cases) {
    it(`rejects in ${path}: ${line}`, async () => {
      expect(
        await rulesFiredAt(
          path,
          `${line}\nexport const used = [${line.match(/import \*? ?(?:as )?\{? ?(\w+)/)![1]}];\n`,
        ),
      ).toContain('no-restricted-imports');
    });
  }

  it('lets protocols import the kernel and the UI import everything', async () => {
    expect(
      await rulesFiredAt(
        'src/protocols/probe/index.ts',
        "import { assert } from '../../sim/assert';\nexport const a = assert;\n",
      ),
    ).toEqual([]);
    expect(
      await rulesFiredAt(
        'src/ui/probe.ts',
        "import { broadcast } from '../protocols/broadcast';\nexport const b = broadcast;\n",
      ),
    ).toEqual([]);
  });
});
