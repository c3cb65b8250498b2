import { useEffect } from 'react';
import { type ThemeChoice, useApp } from './store';

const STORAGE_KEY = 'splitbrain:theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (CHOICES as readonly string[]).includes(value);
}

/** The theme the user chose last time, or "system". */
export function storedTheme(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isThemeChoice(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Apply the chosen theme to the document (CSS reads `data-theme`) and remember it. */
export function useThemeEffect(): void {
  const theme = useApp((s) => s.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    try {
      window.localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // Storage may be unavailable (private mode, sandboxed iframe): the choice is per visit.
    }
  }, [theme]);
}

export const THEME_CHOICES = CHOICES;
