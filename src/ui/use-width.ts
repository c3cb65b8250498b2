import { type RefObject, useEffect, useState } from 'react';

/** The width of an element, following its resizes (at least `min`; `initial` before layout). */
export function useWidth(ref: RefObject<HTMLElement | null>, initial = 320, min = 160): number {
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(min, el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, min]);
  return width;
}
