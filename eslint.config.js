// ESLint flat config for splitbrain.
//
// Two jobs besides ordinary hygiene:
//  1. Keep the layers of DESIGN.md apart: src/sim knows nothing of protocols, UI or CLI;
//     src/protocols knows only src/sim; nothing outside src/ui imports src/ui.
//  2. Keep the simulation deterministic: inside src/sim and src/protocols nothing may read the
//     wall clock, the platform's randomness or the event loop, and nothing may use floating-point
//     functions whose last bit differs between JavaScript engines.
//
// Not type-aware on purpose (fast); `npm run typecheck` does the type checking.

import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Import boundaries. Regexes run on the import string as written (relative paths).

/** A relative import whose path goes through a folder called `name`. */
const throughFolder = (name) => `^\\.{1,2}/(.*/)?${name}(/|$)`;

const NO_UI = {
  regex: throughFolder('ui'),
  message: 'Nothing outside src/ui may import src/ui: the UI sits on top of everything else.',
};
const NO_CLI = {
  regex: throughFolder('cli'),
  message: 'src/cli is the Node front end; the kernel and the protocols must not depend on it.',
};
const NO_PROTOCOLS = {
  regex: throughFolder('protocols'),
  message: 'The kernel (src/sim) has no protocol knowledge: protocols plug in via ProtocolModule.',
};
const NO_UI_LIBS = (layer) => ({
  regex: '^(react|react-dom|zustand|d3)(-[a-z-]+)?(/.*)?$',
  message: `${layer} is pure and headless: no React, zustand or d3 (they belong to src/ui).`,
});

const restrictImports = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

// ---------------------------------------------------------------------------------------------
// Determinism bans (DESIGN.md, "Time and randomness").

const WALL_CLOCK =
  'Simulated time only: use ctx.now / the kernel clock. Reading the wall clock makes a run ' +
  'depend on when it ran, and the same seed would no longer give the same trace.';
const RANDOM =
  'Randomness comes only from the kernel-owned seeded streams (ctx.rng / Streams): the ' +
  'platform source cannot be replayed from a seed.';
const EVENT_LOOP =
  'The kernel owns time through its event queue: use ctx.setTimer (or a queued event). ' +
  'Host timers and microtasks run in wall-clock order, which is not reproducible.';
const TRANSCENDENTAL =
  'Transcendental Math functions are not correctly rounded by the spec; their last bits differ ' +
  'between V8, SpiderMonkey and JavaScriptCore (and across versions), so a trace hash would ' +
  'differ by engine. Use integer arithmetic with + - * / (e.g. ppm probabilities).';

const MATH_BANNED = [
  'log',
  'log2',
  'log10',
  'log1p',
  'exp',
  'expm1',
  'pow',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'cbrt',
  'hypot',
];

const determinismRules = {
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: RANDOM },
    { object: 'crypto', property: 'getRandomValues', message: RANDOM },
    { object: 'crypto', property: 'randomUUID', message: RANDOM },
    { object: 'Date', property: 'now', message: WALL_CLOCK },
    { object: 'performance', property: 'now', message: WALL_CLOCK },
    { object: 'process', property: 'hrtime', message: WALL_CLOCK },
    ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].flatMap((property) =>
      ['globalThis', 'window', 'self', 'global'].map((object) => ({
        object,
        property,
        message: EVENT_LOOP,
      })),
    ),
    ...MATH_BANNED.map((property) => ({ object: 'Math', property, message: TRANSCENDENTAL })),
  ],
  'no-restricted-globals': [
    'error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'requestAnimationFrame'].map(
      (name) => ({ name, message: EVENT_LOOP }),
    ),
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date']", message: WALL_CLOCK },
    { selector: "CallExpression[callee.name='Date']", message: WALL_CLOCK },
    {
      selector: "BinaryExpression[operator='**']",
      message:
        '`**` is Math.pow: not exactly specified for every input, and engines constant-fold it ' +
        'differently from runtime calls. Multiply, or write the constant out (e.g. 0x1_0000_0000).',
    },
    {
      selector: "AssignmentExpression[operator='**=']",
      message: '`**=` is Math.pow; see the `**` rule. Multiply instead.',
    },
    {
      selector: 'ForInStatement',
      message:
        'for...in also walks inherited enumerable keys and makes iteration order a property of ' +
        'how the object was built. Use for...of over an array, a Map, or Object.keys() sorted ' +
        'where order matters.',
    },
  ],
};

// ---------------------------------------------------------------------------------------------

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'blob-report/**',
      'coverage/**',
    ],
  },

  js.configs.recommended,
  ...tseslint.configs.recommended,

  // Everything: ES2022 modules, Node globals (config files, CLI, tests, e2e).
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.es2021, ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
      ...restrictImports(NO_UI),
    },
  },

  // `any` is allowed (with a warning) only where it is needed: the existential type parameters
  // of the shared contracts, and tests that poke at untyped corners.
  {
    files: ['src/sim/types.ts', 'test/**', 'e2e/**', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'warn' },
  },

  // The kernel: no protocols, UI or CLI; no UI libraries; deterministic.
  {
    files: ['src/sim/**/*.ts'],
    ignores: ['src/sim/**/*.test.ts'],
    rules: {
      ...restrictImports(NO_UI, NO_CLI, NO_PROTOCOLS, NO_UI_LIBS('src/sim')),
      ...determinismRules,
    },
  },

  // Protocols: only the kernel's types and helpers; deterministic.
  {
    files: ['src/protocols/**/*.ts'],
    ignores: ['src/protocols/**/*.test.ts'],
    rules: {
      ...restrictImports(NO_UI, NO_CLI, NO_UI_LIBS('src/protocols')),
      ...determinismRules,
    },
  },

  // The browser app: React, hooks rules, browser globals. It may import everything.
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.es2021, ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'no-restricted-imports': 'off',
    },
  },
);
