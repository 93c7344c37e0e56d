/**
 * Runs `work` every `everyMs` in the background (one run at a time per process; a slow run is not
 * queued behind) and returns the stop function, which waits for the run in progress. Several
 * processes may run the same job: every job here claims its rows, so that is safe. 0 turns it off.
 */
export function every(everyMs: number, work: () => Promise<void>): () => Promise<void> {
  if (everyMs <= 0) return async () => undefined;
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = work().finally(() => {
      running = undefined;
    });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
