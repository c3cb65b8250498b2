/**
 * Export the diagrams on screen as files: the space-time diagram (a canvas: PNG from the canvas,
 * SVG written by the same painting code) and the cluster view (an SVG element: serialized with
 * its computed styles inlined so the file stands alone; PNG by drawing that SVG on a canvas).
 */

/** What the space-time view offers for export while it is on screen. */
export interface SpaceTimeExporter {
  svg(): string;
  png(): Promise<Blob>;
}

let spaceTime: SpaceTimeExporter | null = null;

/** The space-time view registers itself while mounted (null when it goes away). */
export function setSpaceTimeExporter(exporter: SpaceTimeExporter | null): void {
  spaceTime = exporter;
}

export function spaceTimeExporter(): SpaceTimeExporter | null {
  return spaceTime;
}

/** The inherited style properties that decide how an SVG element looks. */
const INHERITED_PROPERTIES = [
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'visibility',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
] as const;

/** Properties that are not inherited, with the value that needs no declaration. */
const OWN_PROPERTIES: readonly (readonly [string, string])[] = [
  ['opacity', '1'],
  ['display', 'inline'],
];

/**
 * The declarations `el` needs: inherited ones that differ from its parent's (all of them for the
 * root, whose `parent` is null), and its own non-inherited ones.
 */
function inlineStyle(el: Element, parent: CSSStyleDeclaration | null): string {
  const computed = getComputedStyle(el);
  const decls: string[] = [];
  for (const p of INHERITED_PROPERTIES) {
    const value = computed.getPropertyValue(p);
    if (value !== '' && (parent === null || parent.getPropertyValue(p) !== value))
      decls.push(`${p}:${value}`);
  }
  for (const [p, plain] of OWN_PROPERTIES) {
    const value = computed.getPropertyValue(p);
    if (value !== '' && value !== plain && parent !== null) decls.push(`${p}:${value}`);
  }
  return decls.join(';');
}

/** Attributes that only matter on screen (focus, events, accessibility of a live widget). */
const SCREEN_ONLY_ATTRIBUTES = ['tabindex', 'role', 'aria-pressed', 'aria-expanded', 'style'];

/**
 * `svg` as a standalone SVG document: every element's computed look inlined as a style
 * attribute (classes and CSS variables resolved), a background rectangle, explicit size.
 */
export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  originals.forEach((original, i) => {
    const copy = copies[i]!;
    for (const name of SCREEN_ONLY_ATTRIBUTES) copy.removeAttribute(name);
    const parent =
      i === 0 || !original.parentElement ? null : getComputedStyle(original.parentElement);
    const style = inlineStyle(original, parent);
    if (style !== '') copy.setAttribute('style', style);
  });
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.hasAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const backdrop = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  backdrop.setAttribute('width', '100%');
  backdrop.setAttribute('height', '100%');
  backdrop.setAttribute('fill', background);
  clone.insertBefore(backdrop, clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
}

/** Draw an SVG document on a canvas (at `scale` times its size) and encode it as PNG. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const g = canvas.getContext('2d');
    if (!g) throw new Error('this browser gave no 2D canvas');
    g.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await canvasPng(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded'))),
      'image/png',
    ),
  );
}

/** Save a blob as a file. */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A theme colour resolved to rgb() through `el` (canvas and files cannot read var()). */
export function resolvedColor(el: HTMLElement, name: string, fallback: string): string {
  el.style.color = `var(${name}, ${fallback})`;
  const color = getComputedStyle(el).color;
  el.style.color = '';
  return color || fallback;
}
