export interface PrioritizedTask<T> {
  run: (signal: AbortSignal) => Promise<T | null>;
  /** After this the task counts as "found nothing", even if it ignores its abort signal. */
  timeoutMs: number;
}

/**
 * Starts all tasks at once and resolves with the result of the first task (in array order)
 * that found something, as soon as every task before it has finished empty-handed. When
 * `signal` aborts, the best result found so far wins. Failures count as "found nothing".
 * Unfinished tasks are aborted once the answer is known.
 */
export function firstByPriority<T>(tasks: readonly PrioritizedTask<T>[], signal?: AbortSignal): Promise<T | null> {
  return new Promise((resolve) => {
    const outcomes: Array<{ value: T | null } | undefined> = tasks.map(() => undefined);
    const controllers = tasks.map(() => new AbortController());
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    let finished = false;

    const finish = (value: T | null): void => {
      if (finished) {
        return;
      }
      finished = true;
      timers.forEach(clearTimeout);
      controllers.forEach((controller) => controller.abort());
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };

    const bestFinishedSoFar = (): T | null => {
      for (const outcome of outcomes) {
        if (outcome !== undefined && outcome.value !== null) {
          return outcome.value;
        }
      }
      return null;
    };

    const decideIfPossible = (): void => {
      for (const outcome of outcomes) {
        if (outcome === undefined) {
          return; // a higher-priority task may still answer
        }
        if (outcome.value !== null) {
          finish(outcome.value);
          return;
        }
      }
      finish(null);
    };

    function onAbort(): void {
      finish(bestFinishedSoFar());
    }

    const settle = (index: number, value: T | null): void => {
      if (finished || outcomes[index] !== undefined) {
        return;
      }
      outcomes[index] = { value };
      decideIfPossible();
    };

    if (signal?.aborted === true || tasks.length === 0) {
      finish(null);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    tasks.forEach((task, index) => {
      const controller = controllers[index] ?? new AbortController();
      timers.push(
        setTimeout(() => {
          controller.abort();
          settle(index, null);
        }, task.timeoutMs),
      );
      // Wrapped so that a task throwing synchronously is a failure like any other.
      Promise.resolve()
        .then(() => task.run(controller.signal))
        .then(
          (value) => settle(index, value),
          () => settle(index, null),
        );
    });
  });
}
