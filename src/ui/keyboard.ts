/**
 * Keyboard shortcuts: a pure mapping from a key press to a command (unit-tested), and the list
 * the ? overlay shows.
 */

export type Command =
  | 'togglePlay'
  | 'stepForward'
  | 'stepBack'
  | 'nextMarker'
  | 'prevMarker'
  | 'faster'
  | 'slower'
  | 'help'
  | 'close'
  | 'start'
  | 'end';

export interface KeyPress {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** What has the focus: its tag name and, for an input, its type. */
  readonly targetTag: string;
  readonly targetType: string;
}

export const SHORTCUTS: readonly (readonly [keys: string, what: string])[] = [
  ['Space', 'Play / pause'],
  ['→', 'Step one event forward'],
  ['←', 'Step one event back'],
  ['Shift + →', 'Jump to the next marker (fault, leader change, violation)'],
  ['Shift + ←', 'Jump to the previous marker'],
  ['+', 'Faster'],
  ['−', 'Slower'],
  ['Home / End', 'Go to the start / the end of the run'],
  ['?', 'Show or hide this list'],
  ['Esc', 'Close a menu or this list'],
];

/** The command a key press means, or null (also when the user is typing in a field). */
export function commandFor(press: KeyPress): Command | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const tag = press.targetTag.toUpperCase();
  const typing =
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && !['range', 'checkbox', 'radio', 'button'].includes(press.targetType));
  if (press.key === 'Escape') return 'close';
  if (typing) return null;
  // A focused slider keeps its own arrows; a focused button keeps its own space.
  const slider = tag === 'INPUT' && press.targetType === 'range';
  switch (press.key) {
    case ' ':
      return tag === 'BUTTON' || tag === 'INPUT' ? null : 'togglePlay';
    case 'ArrowRight':
      if (slider) return null;
      return press.shiftKey ? 'nextMarker' : 'stepForward';
    case 'ArrowLeft':
      if (slider) return null;
      return press.shiftKey ? 'prevMarker' : 'stepBack';
    case '+':
    case '=':
      return 'faster';
    case '-':
    case '_':
      return 'slower';
    case '?':
      return 'help';
    case 'Home':
      return slider ? null : 'start';
    case 'End':
      return slider ? null : 'end';
  }
  return null;
}
