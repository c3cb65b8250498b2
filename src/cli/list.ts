import { listProtocols } from '../protocols/registry';
import { parseFlags } from './flags';

export const LIST_HELP = `Usage: splitbrain list [--json]

List the protocols with their parameters, buggy variants and presets.`;

export function listCommand(argv: string[]): number {
  const { values } = parseFlags('list', argv, {
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(LIST_HELP);
    return 0;
  }
  const protocols = listProtocols().map((m) => ({
    id: m.id,
    title: m.title,
    summary: m.summary,
    defaultNodes: m.defaults.nodes,
    params: m.params,
    variants: m.variants,
    presets: m.presets.map((p) => ({ id: p.id, title: p.title, description: p.description })),
  }));
  if (values.json) {
    console.log(JSON.stringify({ protocols }));
    return 0;
  }
  for (const p of protocols) {
    console.log(`${p.id}: ${p.title} (${p.defaultNodes} nodes by default)\n  ${p.summary}`);
    for (const [key, def] of Object.entries(p.params)) {
      const range =
        def.kind === 'int'
          ? ` ${def.min}..${def.max}`
          : def.kind === 'enum'
            ? ` ${def.options.join('|')}`
            : ' true|false';
      console.log(
        `  --param ${key}=<${def.kind}${range}> default ${String(def.default)}: ${def.help}`,
      );
    }
    for (const [key, v] of Object.entries(p.variants))
      console.log(`  --variant ${key}: ${v.label}. ${v.explanation}`);
    for (const preset of p.presets) console.log(`  --preset ${preset.id}: ${preset.title}`);
  }
  return 0;
}
