import { useEffect, useState } from 'react';

const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | null = null;

/** The current time, re-rendering every second; one shared timer for all countdowns on the page. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    timer ??= setInterval(() => {
      const t = Date.now();
      listeners.forEach((l) => l(t));
    }, 1000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }, []);
  return now;
}
