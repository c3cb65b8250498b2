/** Display helpers. Integer arithmetic on simulated time, like the kernel. */

/** Simulated microseconds as seconds with millisecond precision: 1234567 -> "1.234 s". */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const ms = Math.trunc(Math.abs(micros) / 1000);
  const seconds = Math.trunc(ms / 1000);
  const rest = String(ms % 1000).padStart(3, '0');
  return `${sign}${seconds}.${rest} s`;
}

/** An integer with thin-space thousands separators: 1234567 -> "1 234 567". */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
