/** Settles a kafka-node style callback into a trace entry: the result, or the error's name and message. */
export function settle<T>(
  run: (done: (error: unknown, result: T) => void) => void,
  timeoutMs = 15000,
): Promise<{ result: T } | { error: { name: string; message: string } }> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ error: { name: 'TestTimeout', message: `no callback within ${timeoutMs} ms` } }),
      timeoutMs,
    );
    try {
      run((error, result) => {
        clearTimeout(timer);
        resolve(error ? { error: describeError(error) } : { result });
      });
    } catch (error) {
      clearTimeout(timer);
      resolve({ error: { ...describeError(error), name: `thrown ${describeError(error).name}` } });
    }
  });
}

export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (Array.isArray(error)) return { name: 'Array', message: JSON.stringify(error) };
  return { name: typeof error, message: String(error) };
}
