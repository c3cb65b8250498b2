import { describe, expect, it } from 'vitest';
import { type KeyPress, commandFor } from './keyboard';

function press(key: string, more: Partial<KeyPress> = {}): KeyPress {
  return {
    key,
    shiftKey: false,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    targetTag: 'BODY',
    targetType: '',
    ...more,
  };
}

describe('commandFor', () => {
  it('maps the documented keys', () => {
    expect(commandFor(press(' '))).toBe('togglePlay');
    expect(commandFor(press('ArrowRight'))).toBe('stepForward');
    expect(commandFor(press('ArrowLeft'))).toBe('stepBack');
    expect(commandFor(press('ArrowRight', { shiftKey: true }))).toBe('nextMarker');
    expect(commandFor(press('ArrowLeft', { shiftKey: true }))).toBe('prevMarker');
    expect(commandFor(press('+'))).toBe('faster');
    expect(commandFor(press('='))).toBe('faster');
    expect(commandFor(press('-'))).toBe('slower');
    expect(commandFor(press('?', { shiftKey: true }))).toBe('help');
    expect(commandFor(press('Escape'))).toBe('close');
    expect(commandFor(press('x'))).toBeNull();
  });

  it('leaves typing, sliders, buttons and browser shortcuts alone', () => {
    expect(commandFor(press(' ', { targetTag: 'INPUT', targetType: 'text' }))).toBeNull();
    expect(commandFor(press('-', { targetTag: 'INPUT', targetType: 'text' }))).toBeNull();
    expect(commandFor(press('ArrowLeft', { targetTag: 'SELECT' }))).toBeNull();
    expect(commandFor(press('ArrowLeft', { targetTag: 'INPUT', targetType: 'range' }))).toBeNull();
    expect(commandFor(press(' ', { targetTag: 'BUTTON' }))).toBeNull();
    expect(commandFor(press('ArrowRight', { targetTag: 'BUTTON' }))).toBe('stepForward');
    expect(commandFor(press('ArrowRight', { ctrlKey: true }))).toBeNull();
    expect(commandFor(press('Escape', { targetTag: 'INPUT', targetType: 'text' }))).toBe('close');
  });
});
